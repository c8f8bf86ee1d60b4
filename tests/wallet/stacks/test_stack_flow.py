"""The exact split between match rules (augmenting paths), against brute force."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from wallet.stacks import flow
from wallet.stacks.bitsets import bits

CREDENTIALS = 6


@dataclass
class Leaf:
    count: int
    rel: int
    kind: str = "MatchRule"


def _worth(children, masks) -> Fraction:
    return sum((Fraction(min(m.bit_count(), c.count), c.count) for c, m in zip(children, masks)), Fraction(0))


def _brute(children, mask) -> Fraction:
    creds = bits(mask)
    options = [[None] + [i for i, c in enumerate(children) if c.rel >> cred & 1] for cred in creds]
    best = Fraction(0)
    for choice in itertools.product(*options):
        masks = [0] * len(children)
        for cred, i in zip(creds, choice):
            if i is not None:
                masks[i] |= 1 << cred
        best = max(best, _worth(children, masks))
    return best


leaves = st.lists(st.builds(Leaf, st.integers(1, 3), st.integers(0, 2 ** CREDENTIALS - 1)), min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(leaves, st.integers(0, 2 ** CREDENTIALS - 1))
def test_a_distinct_split_between_match_rules_is_the_best_there_is(children, mask):
    masks = flow.split(children, mask)
    for i, m in enumerate(masks):  # each child gets only what it may use, never more than it needs
        assert m & ~(mask & children[i].rel) == 0 and m.bit_count() <= children[i].count
    assert sum(m.bit_count() for m in masks) == len(bits(sum(masks)))  # no credential twice
    assert _worth(children, masks) == _brute(children, mask)


def test_a_chain_of_reassignments_is_found():
    """C takes w (its only one), A takes x; B (x or w) finds both held, and is served by
    moving A from x to y."""
    x, y, w = 0b001, 0b010, 0b100
    a, b, c = Leaf(1, x | y), Leaf(1, x | w), Leaf(1, w)
    assert flow.split([a, b, c], x | y | w) == [y, x, w]


def test_only_atleast_of_single_credential_rules_and_distinct_alls_qualify():
    assert flow.eligible("AllRule", [Leaf(3, 0), Leaf(1, 0)])
    assert flow.eligible("AtLeastRule", [Leaf(1, 0), Leaf(1, 0)])
    assert not flow.eligible("AtLeastRule", [Leaf(2, 0), Leaf(1, 0)])
    assert not flow.eligible("AllRule", [Leaf(1, 0), Leaf(1, 0, kind="CreditsRule")])
