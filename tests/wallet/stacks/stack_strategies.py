"""Hypothesis strategies and a brute-force reference for stack progress."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from wallet.credential import CredentialId, Summary
from wallet.stacks.definition import AllRule, AtLeastRule, CreditsRule, MatchRule, Rule, StackDefinition
from wallet.stacks.matching import credits_of, matches
from wallet.stacks.progress import HeldCredential
from wallet.stacks.standing import EARNED, NOT_CHECKED, CredentialStanding, Standing

EXPIRED = CredentialStanding(Standing.NOT_COUNTED, "It expired on 1 June 2025, so it does not count.", "expired")

TAGS = ("a", "b", "c")


def leaf_rules() -> st.SearchStrategy[dict[str, Any]]:
    match = st.builds(lambda t, n: {"match": {"tag": t}, "count": n}, st.sampled_from(TAGS), st.integers(1, 3))
    credits = st.builds(
        lambda t, x: {"credits": x, "from": {"tag": t}}, st.sampled_from(TAGS), st.integers(1, 4)
    )
    return st.one_of(match, credits)


def rules(max_leaves: int = 5) -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        all_rule = st.builds(
            lambda kids, d: {"all": kids, "distinct": d}, st.lists(children, min_size=1, max_size=3), st.booleans()
        )
        at_least = st.lists(children, min_size=1, max_size=3).flatmap(
            lambda kids: st.integers(1, len(kids)).map(lambda n: {"atLeast": n, "of": kids})
        )
        return st.one_of(all_rule, at_least)

    return st.recursive(leaf_rules(), extend, max_leaves=max_leaves)


def definitions(max_leaves: int = 5) -> st.SearchStrategy[dict[str, Any]]:
    return rules(max_leaves).map(
        lambda r: {"type": "StackDefinition", "id": "urn:test:stack", "name": "Test stack", "requirement": r}
    )


def held_credentials(max_size: int = 4) -> st.SearchStrategy[list[HeldCredential]]:
    one = st.builds(
        lambda tags, credits, standing: (tuple(sorted(tags)), credits, standing),
        st.sets(st.sampled_from(TAGS), max_size=3),
        st.sampled_from([None, 1.0, 2.0, 3.0]),
        st.sampled_from([EARNED, EARNED, EARNED, NOT_CHECKED, EXPIRED]),
    )
    return st.lists(one, max_size=max_size).map(
        lambda items: [
            HeldCredential(CredentialId(f"cred-{i}"), Summary(title=f"Credential {i}", tags=t, credits=c), s)
            for i, (t, c, s) in enumerate(items)
        ]
    )


# ---------------------------------------------------------------- brute force


def _leaves(rule: Rule) -> list[Rule]:
    if not rule.children:
        return [rule]
    return [leaf for child in rule.children for leaf in _leaves(child)]


def _score(rule: Rule, used: dict[str, set[int]], held: list[HeldCredential]) -> tuple[bool, float, int]:
    """(met, fraction, met count) of ``rule`` when each leaf uses the given credentials."""
    if isinstance(rule, MatchRule):
        got = min(len(used[rule.path]), rule.count)
        met = got >= rule.count
        return met, got / rule.count, int(met)
    if isinstance(rule, CreditsRule):
        earned = sum(credits_of(held[i].summary, rule) for i in used[rule.path])
        met = earned >= rule.credits - 1e-9
        return met, min(earned / rule.credits, 1.0), int(met)
    kids = [_score(c, used, held) for c in rule.children]
    nmet = sum(k[0] for k in kids)
    if isinstance(rule, AtLeastRule):
        met = nmet >= rule.n
        frac = sum(sorted((k[1] for k in kids), reverse=True)[: rule.n]) / rule.n
    else:
        met = nmet == len(kids)
        frac = sum(k[1] for k in kids) / len(kids)
    return met, 1.0 if met else frac, sum(k[2] for k in kids) + int(met)


def _feasible(rule: Rule, used: dict[str, set[int]]) -> bool:
    exclusive = isinstance(rule, AtLeastRule) or (isinstance(rule, AllRule) and rule.distinct)
    if exclusive:
        seen: set[int] = set()
        for child in rule.children:
            mine = set().union(*(used[leaf.path] for leaf in _leaves(child)))
            if seen & mine:
                return False
            seen |= mine
    return all(_feasible(child, used) for child in rule.children)


Rank = tuple[float, int]  # (root fraction, requirements met), as a candidate is scored


def wallet_rank(fraction: float, met: int) -> Rank:
    """The wallet's rule for choosing between assignments (docs/stacks.md, "Choosing which
    credential serves which requirement"): the most progress toward the whole stack, then
    the most requirements met."""
    return fraction, met


def spec_rank(fraction: float, met: int) -> Rank:
    """The order as the spec words it: the most requirements met, then the most progress.
    Kept to show, on the documented counter-example, where it would lower progress."""
    return met, fraction  # type: ignore[return-value]


def brute_force(definition: StackDefinition, held: list[HeldCredential], *,
                rank=wallet_rank) -> Rank:
    """The best (root fraction, requirements met) over every way of using the credentials,
    best as ``rank`` orders them."""
    leaves = _leaves(definition.requirement)
    options: list[list[tuple[str, ...]]] = []
    held = [h for h in held if h.standing.counts]  # only verified credentials count
    for h in held:
        fits = [
            leaf.path
            for leaf in leaves
            if matches(leaf.match, h.summary, definition)  # type: ignore[attr-defined]
            and (not isinstance(leaf, CreditsRule) or credits_of(h.summary, leaf) > 0)
        ]
        options.append([c for r in range(len(fits) + 1) for c in itertools.combinations(fits, r)])
    best: Rank | None = None
    for choice in itertools.product(*options):
        used: dict[str, set[int]] = {leaf.path: set() for leaf in leaves}
        for i, paths in enumerate(choice):
            for path in paths:
                used[path].add(i)
        if not _feasible(definition.requirement, used):
            continue
        _, frac, count = _score(definition.requirement, used, held)
        candidate = (round(frac, 9), count)
        if best is None or rank(*candidate) > rank(*best):
            best = candidate
    assert best is not None  # using no credential at all is always feasible
    return best
