"""Loading stack definitions: the spec's examples load; mistakes are named by their place."""

from __future__ import annotations

import json

import pytest

import resources
from tests.wallet.stacks.conftest import FIXTURES
from wallet.errors import StackDefinitionError
from wallet.stacks.definition import AllRule, AtLeastRule, CreditsRule, MatchRule, load_definition, load_definition_bytes


def _base(requirement, **extra):
    return {"type": "StackDefinition", "id": "urn:t", "name": "T", "requirement": requirement, **extra}


def _spec_examples() -> list[dict]:
    """The format's two worked examples (``shared/specs/stack-definition.md``), kept here."""
    return [json.loads((FIXTURES / name).read_text()) for name in ("spec-ladder.json", "spec-competencies.json")]


def test_the_specs_examples_load():
    ladder, competencies = _spec_examples()
    d = load_definition(ladder)
    assert isinstance(d.requirement, AllRule) and d.requirement.distinct
    c1, c2, c3, electives = d.requirement.rules
    assert isinstance(c1, AtLeastRule) and c1.n == 3 and len(c1.rules) == 4
    assert isinstance(c2, MatchRule) and c2.count == 3 and c2.match.tag == "course-2"
    assert isinstance(electives, CreditsRule) and electives.credits == 2 and electives.unit == "credit"
    assert electives.path == "requirement.all[3]" and electives.label == "Electives"
    d = load_definition(competencies)
    assert d.levels == ("foundational", "intermediate", "advanced") and d.level_framework == "Example Levels"
    assert d.requirement.rules[1].rules[0].match.min_level == "intermediate"


def test_the_shipped_examples_load():
    files = sorted(resources.path("stacks").glob("*.json"))
    assert len(files) >= 2
    for f in files:
        load_definition_bytes(f.read_bytes())


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({"all": [{"match": {"tag": "a"}}, {"match": {"tag": "b"}},
                  {"atLeast": 4, "of": [{"match": {"tag": "x"}}] * 3}]},
         "requirement.all[2].atLeast: 4 is more than its 3 children."),
        ({"all": [{"oneOf": []}]},
         'requirement.all[0]: "oneOf" is not a rule I know; a rule has one of "all", "atLeast", "credits" or "match".'),
        ({"all": [{"label": "Electives", "credtis": 2}]},
         'requirement.all[0]: "credtis" is not a rule I know; a rule has one of "all", "atLeast", "credits" or "match".'),
        ({"all": [{"label": "Electives"}]},
         'requirement.all[0]: has no rule: a rule has one of "all", "atLeast", "credits" or "match".'),
        ({"all": [{"match": {"tag": "a"}}, {"credits": 2, "unit": "ECTS"}]},
         'requirement.all[1].from: is missing: a credits rule says in "from" which credentials count '
         '({} for any credential).'),
        ({"atLeast": 1}, 'requirement.of: is missing: "atLeast" needs a list of rules in "of".'),
        ({"match": {"tag": "a", "minLevel": "expert"}},
         'requirement.match.minLevel: "expert" is not one of the levels (foundational, advanced).'),
        ({"match": {"colour": "red"}},
         "requirement.match.colour: is not a match field I know (achievementId, achievementType, issuer, "
         "alignment, tag, minLevel, name)."),
        ({"credits": -2, "from": {"tag": "a"}}, "requirement.credits: must be a number of credits above 0."),
        ({"match": {"tag": "a"}, "count": 0}, "requirement.count: must be a whole number of 1 or more."),
        ({"all": []}, "requirement.all: is an empty list; give at least one rule."),
        ({"match": {}}, "requirement.match: is empty; say which credentials it matches."),
        ({"match": {"tag": "a"}, "all": [{"match": {"tag": "b"}}]},
         'requirement: mixes two rules (all and match); put them in an "all".'),
        ({"all": [{"match": {"tag": "a"}, "distinct": True}]},
         "requirement.all[0]: has a field I do not know: 'distinct'."),
        ({"all": [{"id": "c1", "match": {"tag": "a"}}, {"id": "c1", "match": {"tag": "b"}}]},
         'requirement.all[1].id: "c1" is already the id of requirement.all[0]; ids must differ.'),
        ({"all": [{"match": {"alignment": {"framework": "F", "level": 2}}}]},
         "requirement.all[0].match.alignment.level: is not an alignment field I know (framework, code, url)."),
    ],
)
def test_mistakes_are_named_by_their_place(requirement, message):
    with pytest.raises(StackDefinitionError) as err:
        load_definition(_base(requirement, levels=["foundational", "advanced"]))
    assert err.value.message == message


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"type": "StackDefinition", "name": "x", "requirement": {"match": {"tag": "a"}}}, "id: is missing."),
        ({"type": "StackDefinition", "id": "u", "name": "x"}, "requirement: is missing; a definition needs one requirement."),
        ({"type": "Other", "id": "u", "name": "x", "requirement": {}},
         'This file is not a stack definition: its "type" is not "StackDefinition".'),
        ({"type": "StackDefinition", "id": "u", "name": "x", "levels": ["a", "A"], "requirement": {"match": {"tag": "a"}}},
         "levels: names a level twice."),
        ({"type": "StackDefinition", "id": "u", "name": "x", "requirement": {"match": {"minLevel": "a"}}},
         'requirement.match.minLevel: names the level "a" but the definition lists no "levels".'),
    ],
)
def test_top_level_mistakes(obj, message):
    with pytest.raises(StackDefinitionError) as err:
        load_definition(obj)
    assert err.value.message == message


def test_bad_bytes_get_a_sentence_not_a_crash():
    for data, start in [(b"\xff\xfe\x00", "This file is not a stack definition: it is not text."),
                        (b"{not json", "This file is not valid JSON (line 1, column 2)."),
                        (b"[" * 100_000, "This stack definition is nested too deeply."),
                        (b"[1, 2]", "the definition: a stack definition is a JSON object.")]:
        with pytest.raises(StackDefinitionError) as err:
            load_definition_bytes(data)
        assert err.value.message == start


def test_deep_nesting_is_bounded():
    rule = {"match": {"tag": "a"}}
    for _ in range(40):
        rule = {"all": [rule]}
    with pytest.raises(StackDefinitionError) as err:
        load_definition(_base(rule))
    assert "nested more than 32 deep" in err.value.message


def test_levels_compare_case_insensitively():
    d = load_definition(_base({"match": {"tag": "x", "minLevel": "ADVANCED"}}, levels=["Foundational", "Advanced"]))
    assert d.level_rank("advanced") == 1
