"""Splitting credentials exactly between ``match`` rules that may not share them.

An ``atLeast``, or an ``all`` with ``"distinct": true``, whose children are all ``match``
rules is a b-matching: each credential fills at most one child, and child *i* takes up
to ``count_i``. Each credential a child receives is worth ``1 / count_i`` of progress, and
the sets of child places that can be filled together form a transversal matroid. So
taking the children by worth (fewest credentials needed first) and filling each as far
as an augmenting path allows gives the most progress there is (the greedy algorithm is
exact on a matroid, and a place that cannot be reached once never can be later). For an
``atLeast`` this holds when every child needs one credential: its progress is then
``min(matched, n) / n``.

Cost: each credential is looked at once per child that can use it while free places are
found directly; a search through reassignments runs only when a child finds none, at
most once per child that stays short.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Protocol

from wallet.stacks.bitsets import bits


class Leaf(Protocol):
    kind: str
    count: int
    rel: int


def eligible(kind: str, children: Sequence[Leaf]) -> bool:
    """Whether an exclusive rule's split is solved here (see the module's text)."""
    if not children or any(c.kind != "MatchRule" for c in children):
        return False
    return kind != "AtLeastRule" or all(c.count == 1 for c in children)


def split(children: Sequence[Leaf], mask: int) -> list[int]:
    """The credentials (a bit set) each child gets, for the most progress."""
    candidates = [bits(mask & c.rel) for c in children]
    owner: dict[int, int] = {}  # credential -> the child it fills
    got = [0] * len(children)
    scan = [0] * len(children)  # how far each child's candidates were scanned for free ones
    order = sorted(range(len(children)), key=lambda i: (children[i].count, len(candidates[i]), i))
    for i in order:
        while got[i] < children[i].count:
            if not (_take_free(i, candidates, owner, scan) or _augment(i, candidates, owner)):
                break
            got[i] += 1
    out = [0] * len(children)
    for cred, i in owner.items():
        out[i] |= 1 << cred
    return out


def _take_free(i: int, candidates: list[list[int]], owner: dict[int, int], scan: list[int]) -> bool:
    """Give child ``i`` a credential nobody holds yet (credentials are never freed, so the
    scan resumes where it stopped)."""
    mine = candidates[i]
    while scan[i] < len(mine):
        cred = mine[scan[i]]
        scan[i] += 1
        if cred not in owner:
            owner[cred] = i
            return True
    return False


def _augment(start: int, candidates: list[list[int]], owner: dict[int, int]) -> bool:
    """Breadth-first search for a chain: ``start`` takes a credential from a child that
    takes another ... until one takes a free credential. Every child but ``start`` keeps
    its number of credentials."""
    came_from: dict[int, int] = {}  # credential -> the child that would take it
    gives: dict[int, int] = {}  # child (reached) -> the credential it hands on
    seen_children = {start}
    queue = deque([start])
    while queue:
        child = queue.popleft()
        for cred in candidates[child]:
            if cred in came_from:
                continue
            came_from[cred] = child
            holder = owner.get(cred)
            if holder is None:
                _apply(cred, start, came_from, gives, owner)
                return True
            if holder not in seen_children:
                seen_children.add(holder)
                gives[holder] = cred
                queue.append(holder)
    return False


def _apply(cred: int, start: int, came_from: dict[int, int], gives: dict[int, int], owner: dict[int, int]) -> None:
    while True:
        child = came_from[cred]
        owner[cred] = child
        if child == start:
            return
        cred = gives[child]
