"""The format's two worked examples, run: the outcomes the spec describes, in exact figures.

Worked by hand from the rules in ``shared/specs/stack-definition.md``:

Ladder ("distinct": true over Course 1, Course 2, Course 3 and Electives; the stack's
fraction is the mean of the four). Holding micro-courses 1a, 1b and 1c, one credential
tagged course-2 and two 1-credit electives: Course 1 has 3 of its 3 needed (1), Course 2
1 of 3 (1/3), Course 3 nothing (0), Electives 2 of 2 credits (1): (1 + 1/3 + 0 + 1) / 4
= 7/12 = 0.5833. Add one credential tagged both course-2 and elective: it can fill only
one of the two; Electives is already met, so it goes to Course 2 (2/3): 8/12 = 0.6667.

Competencies (a plain "all" of breadth and depth; the fraction is their mean). Holding
D1 and D2 at intermediate, D3 and D4 at foundational: breadth has all four domains (1);
depth ("atLeast": 3) has D1 and D2 (2/3): (1 + 2/3) / 2 = 5/6 = 0.8333, with the D1
credential counting in both. Add D3 at intermediate: depth has three (1): 1.0.
"""

from __future__ import annotations

import json

from tests.wallet.stacks.conftest import FIXTURES
from wallet.credential import Alignment, CredentialId, Summary
from wallet.stacks.definition import load_definition
from wallet.stacks.progress import HeldCredential, evaluate
from wallet.stacks.standing import EARNED


def _load(name: str):
    return load_definition(json.loads((FIXTURES / name).read_text()))


def _held(name: str, **summary) -> HeldCredential:
    return HeldCredential(CredentialId(name), Summary(title=name, **summary), EARNED)


def test_the_ladder_counts_a_credential_tagged_twice_only_once():
    ladder = _load("spec-ladder.json")
    held = [_held(f"mc-1{x}", achievement_id=f"urn:example:mc:1{x}", credits=1.0) for x in "abc"]
    held += [_held("c2-first", tags=("course-2",), credits=1.0)]
    held += [_held(f"elective-{i}", tags=("elective",), credits=1.0) for i in (1, 2)]
    before = evaluate(ladder, held)
    assert round(before.fraction, 4) == 0.5833
    c1, c2, c3, electives = before.root.children
    assert (c1.fraction, c2.fraction, c3.fraction, electives.fraction) == (1.0, 1 / 3, 0.0, 1.0)
    assert electives.missing == "" and c2.missing == "2 more credentials for Course 2"

    both = _held("c2-and-elective", tags=("course-2", "elective"), credits=1.0)
    after = evaluate(ladder, [*held, both])
    assert round(after.fraction, 4) == 0.6667
    c1, c2, c3, electives = after.root.children
    assert both.id in c2.counting and both.id not in electives.counting
    assert c2.done == 2 and electives.done == 2.0


def _skill(code: str, level: str) -> dict:
    return {"alignments": (Alignment(framework="Example Skills", code=code),
                           Alignment(framework="Example Levels", name=level))}


def test_the_competency_programme_lets_one_credential_serve_breadth_and_depth():
    programme = _load("spec-competencies.json")
    held = [_held("D1-int", **_skill("D1", "intermediate")), _held("D2-int", **_skill("D2", "intermediate")),
            _held("D3-found", **_skill("D3", "foundational")), _held("D4-found", **_skill("D4", "foundational"))]
    before = evaluate(programme, held)
    assert round(before.fraction, 4) == 0.8333
    breadth, depth = before.root.children
    assert breadth.met and (depth.done, depth.needed) == (2, 3)
    assert "D1-int" in breadth.children[0].counting and "D1-int" in depth.children[0].counting

    after = evaluate(programme, [*held, _held("D3-int", **_skill("D3", "intermediate"))])
    assert after.fraction == 1.0 and after.met
