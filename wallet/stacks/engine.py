"""The assignment search behind stack progress.

Credentials are numbered; a set of credentials is a Python int used as a bit set, so
"the credentials this rule may use" is one AND. Every rule is evaluated on the bit set
it may draw from and the result is memoised under ``(rule, bit set)``: the memo never
goes stale (a bit set names exactly which credentials were available), so adding a
credential only re-evaluates the rules it touches. That is the incremental update.

Sharing (``shared/specs/stack-definition.md``): ``atLeast`` and ``all`` with
``"distinct": true`` are *exclusive*: their children draw from disjoint sets. The
engine splits the credentials that several children could use (the contested ones)
between those children:

- small splits are enumerated exactly;
- a large split between ``match`` rules only (``distinct`` ones, or an ``atLeast`` whose
  children need one credential each) is solved exactly by :mod:`~wallet.stacks.flow`;
- other large splits are made greedily, one credential at a time, to the child where it
  helps most, then improved by moving single credentials. A greedy split with few
  contested credentials also moves pairs (swaps and two-step chains) and, for
  ``atLeast``, starts once from each child holding all it can use; these extras draw on
  the same search budget.

The objective: the assignment with the most progress toward the whole stack, then the
one that meets the most requirements (counted over the whole tree), then the most
progress summed over every rule. The spec lists "most requirements" first; taken
literally that can *lower* a stack's progress when a credential is added (see
docs/stacks.md), and progress must never go down. Whenever the stack can be met, both
orders meet it. With progress first, a rule's best outcome is also the best for its
parent (a met rule has fraction 1, so nothing ranks above it), so each rule hands its
parent one result.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence

from wallet.stacks import flow
from wallet.stacks.bitsets import bits, lowest, mask_of
from wallet.stacks.definition import AllRule, AtLeastRule, CreditsRule, MatchRule, Rule

EXACT_LIMIT = 512  # splits enumerated exactly below this many combinations
MEMO_LIMIT = 200_000
SEARCH_BUDGET = 20_000  # exact split combinations per evaluation, over all rules
SMALL_GREEDY = 16  # greedy splits with at most this many contested credentials: seeds, pair moves
_BELOW_ONE = math.nextafter(1.0, 0.0)
_EPSILON = 1e-9


class Node:
    """A rule with its place in the flattened tree and what it may draw from."""

    __slots__ = ("index", "rule", "children", "kind", "exclusive", "leaf", "rel", "credits", "by_value", "count",
                 "n")

    def __init__(self, index: int, rule: Rule) -> None:
        self.index = index
        self.rule = rule
        self.children: list[Node] = []
        self.kind = type(rule).__name__
        self.exclusive = isinstance(rule, AtLeastRule) or (isinstance(rule, AllRule) and rule.distinct)
        self.leaf = isinstance(rule, (MatchRule, CreditsRule))
        self.rel = 0  # credentials that some leaf under this node matches
        self.credits: dict[int, float] = {}  # credits rule: credential index -> credits
        self.by_value: dict[float, int] = {}  # credits rule: credits -> credentials bringing that many
        self.count = rule.count if isinstance(rule, MatchRule) else 0
        self.n = rule.n if isinstance(rule, AtLeastRule) else len(rule.children)

    def add_credits(self, cred: int, credits: float) -> None:
        self.credits[cred] = credits
        self.by_value[credits] = self.by_value.get(credits, 0) | 1 << cred

    def earned(self, mask: int) -> float:
        """Credits of the credentials in ``mask``: counted by value (a popcount each when
        few values occur), then summed the same way whichever way they were counted."""
        if len(self.by_value) <= 16:
            counts = {value: (mask & held).bit_count() for value, held in self.by_value.items()}
        else:
            counts = {}
            for i in bits(mask):
                counts[self.credits[i]] = counts.get(self.credits[i], 0) + 1
        return sum(value * counts[value] for value in sorted(counts) if counts[value])


class Result:
    """One rule's outcome under one assignment (internal, cheap to make)."""

    __slots__ = ("node", "met", "frac", "mc", "fs", "kids", "used", "earned")

    def __init__(self, node: Node, met: bool, frac: float, mc: int, fs: float,
                 kids: tuple["Result", ...] = (), used: int = 0, earned: float = 0.0) -> None:
        self.node = node
        self.met = met
        self.frac = frac
        self.mc = mc  # requirements met in this subtree, this rule included
        self.fs = fs  # sum of fractions in this subtree (last tie-break)
        self.kids = kids
        self.used = used  # leaves: the credentials counted
        self.earned = earned  # leaves: credits earned or credentials matched

    @property
    def key(self) -> tuple[float, int, float]:
        return (self.frac, self.mc, self.fs)


class Engine:
    """Evaluates one definition's rule tree; keep it to reuse the memo across updates."""

    def __init__(self, root: Rule, *, exact_limit: int = EXACT_LIMIT) -> None:
        self.exact_limit = exact_limit
        self.nodes: list[Node] = []
        self.root = self._flatten(root)
        self.leaves = [n for n in self.nodes if n.leaf]
        self._parents: dict[int, Node] = {}
        for node in self.nodes:
            for child in node.children:
                self._parents[child.index] = node
        self._places = {n.index: _places(n) for n in self.nodes if n.exclusive}
        self._leaf_masks: dict[int, int] = {n.index: 0 for n in self.leaves}
        self._memo: dict[tuple[int, int], Result] = {}
        self._signature: dict[int, frozenset[int]] = {}  # credential -> leaves it matches
        self._budget = SEARCH_BUDGET

    def _flatten(self, rule: Rule) -> Node:
        node = Node(len(self.nodes), rule)
        self.nodes.append(node)
        node.children = [self._flatten(child) for child in rule.children]
        return node

    # -- what each credential matches

    def add_matches(self, found: dict[int, dict[int, float]]) -> None:
        """Record what new credentials match: credential -> {leaf index: credits}. One
        call for many credentials builds each rule's bit set once."""
        per_leaf: dict[int, list[int]] = {}
        for cred, leaves in found.items():
            self._signature[cred] = frozenset(leaves)
            for index, credits in leaves.items():
                per_leaf.setdefault(index, []).append(cred)
                node = self.nodes[index]
                if node.kind == "CreditsRule":
                    node.add_credits(cred, credits)
        for index, creds in per_leaf.items():
            added = mask_of(creds)
            self._leaf_masks[index] |= added
            up: Node | None = self.nodes[index]
            while up is not None:
                up.rel |= added
                up = self._parents.get(up.index)

    def leaf_mask(self, node: Node) -> int:
        return self._leaf_masks.get(node.index, 0)

    # -- evaluation

    def evaluate(self, available: int) -> Result:
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        self._budget = SEARCH_BUDGET
        return self._eval(self.root, available)

    def _eval(self, node: Node, mask: int) -> Result:
        mask &= node.rel
        key = (node.index, mask)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if node.leaf:
            out = self._leaf(node, mask)
        elif node.exclusive:
            out = self._split(node, mask)
        else:
            out = self._make(node, [self._eval(child, mask) for child in node.children])
        self._memo[key] = out
        return out

    def _leaf(self, node: Node, mask: int) -> Result:
        if node.kind == "MatchRule":
            matched = mask.bit_count()
            used = lowest(mask, node.count)
            got = min(matched, node.count)
            met = got >= node.count
            frac = 1.0 if met else got / node.count
            return Result(node, met, frac, int(met), frac, used=used, earned=float(got))
        rule = node.rule
        assert isinstance(rule, CreditsRule)
        earned = node.earned(mask)
        met = earned >= rule.credits - _EPSILON
        frac = 1.0 if met else min(earned / rule.credits, _BELOW_ONE)
        return Result(node, met, frac, int(met), frac, used=mask, earned=earned)

    def _make(self, node: Node, kids: Sequence[Result]) -> Result:
        """A rule's outcome from its children's (each child's best is the parent's best:
        a met child has fraction 1, so nothing ranks above it)."""
        nmet = mc = 0
        total = fs = 0.0
        for k in kids:
            nmet += k.met
            total += k.frac
            mc += k.mc
            fs += k.fs
        if node.kind == "AtLeastRule":
            met = nmet >= node.n
            if not met and len(kids) > node.n:
                total = sum(heapq.nlargest(node.n, (k.frac for k in kids)))
            frac = 1.0 if met else min(total / node.n, _BELOW_ONE)
        else:
            met = nmet == len(kids)
            frac = 1.0 if met else min(total / len(kids), _BELOW_ONE)
        return Result(node, met, frac, mc + met, fs + frac, kids=tuple(kids))

    # -- exclusive rules: splitting contested credentials between children

    def _split(self, node: Node, mask: int) -> Result:
        parts = [mask & child.rel for child in node.children]
        seen = dup = 0
        for part in parts:
            dup |= seen & part
            seen |= part
        many = dup.bit_count() >= self.exact_limit.bit_length()  # at least 2 ** that many ways
        if many and flow.eligible(node.kind, node.children):
            return self._split_flow(node, mask)
        base = [part & ~dup for part in parts]
        contested = bits(dup)
        places = self._places[node.index]  # leaf -> the child it sits under
        owners = [sorted({places[leaf] for leaf in self._signature[c] if leaf in places}) for c in contested]
        combos = 1
        for o in owners:
            combos *= len(o)
            if combos > self.exact_limit:
                break
        # nested splits multiply: the budget keeps any definition bounded
        if combos <= self.exact_limit and combos <= self._budget:
            self._budget -= combos
            return self._split_exact(node, base, contested, owners)
        if flow.eligible(node.kind, node.children):
            return self._split_flow(node, mask)
        return self._split_greedy(node, base, contested, owners)

    def _split_flow(self, node: Node, mask: int) -> Result:
        masks = flow.split(node.children, mask)
        return self._make(node, [self._leaf(c, m) for c, m in zip(node.children, masks)])

    def _split_exact(self, node: Node, base: list[int], contested: list[int],
                     owners: list[list[int]]) -> Result:
        chosen: Result | None = None
        for choice in itertools.product(*owners):
            masks = list(base)
            for cred, child in zip(contested, choice):
                masks[child] |= 1 << cred
            result = self._make(node, [self._eval(c, masks[i]) for i, c in enumerate(node.children)])
            if chosen is None or result.key > chosen.key:
                chosen = result
        assert chosen is not None
        return chosen

    def _split_greedy(self, node: Node, base: list[int], contested: list[int],
                      owners: list[list[int]]) -> Result:
        """Greedy splits; for a small ``atLeast`` also one seeded per child with every
        credential it can use, since only its best children count and spreading
        credentials thin can leave all of them short."""
        chosen = self._greedy(node, base, contested, owners, -1)
        if node.kind == "AtLeastRule" and self._afford(len(contested), len(node.children) * len(contested)):
            for favour in range(len(node.children)):
                result = self._greedy(node, base, contested, owners, favour)
                if result.key > chosen.key:
                    chosen = result
        return chosen

    def _greedy(self, node: Node, base: list[int], contested: list[int],
                owners: list[list[int]], favour: int) -> Result:
        masks = list(base)
        for cred, candidates in zip(contested, owners):
            if favour in candidates:
                masks[favour] |= 1 << cred
        kids = [self._eval(c, masks[i]) for i, c in enumerate(node.children)]
        saturated: set[tuple[frozenset[int], int]] = set()
        order = sorted(range(len(contested)), key=lambda k: (len(owners[k]), contested[k]))
        for k in order:
            cred = contested[k]
            if favour in owners[k]:
                continue
            signature = self._signature.get(cred, frozenset())
            pick, pick_key, pick_kid = -1, self._make(node, kids).key, None
            for i in owners[k]:
                if (signature, i) in saturated:
                    continue
                trial = self._eval(node.children[i], masks[i] | 1 << cred)
                if trial.key == kids[i].key:
                    saturated.add((signature, i))
                    continue
                trial_key = self._make(node, _replace(kids, i, trial)).key
                if trial_key > pick_key:
                    pick, pick_key, pick_kid = i, trial_key, trial
            if pick >= 0 and pick_kid is not None:
                masks[pick] |= 1 << cred
                kids[pick] = pick_kid
        self._improve(node, masks, kids, contested, owners)
        return self._make(node, kids)

    def _improve(self, node: Node, masks: list[int], kids: list[Result], contested: list[int],
                 owners: list[list[int]], passes: int = 3) -> None:
        """Local search after the greedy split: move single credentials while that helps,
        then (small splits) pairs of credentials."""
        for _ in range(passes):
            moved = False
            for cred, candidates in zip(contested, owners):
                bit = 1 << cred
                here = next((i for i in candidates if masks[i] & bit), -1)
                current = self._make(node, kids).key
                for there in candidates:
                    if there == here:
                        continue
                    trial = list(kids)
                    if here >= 0:
                        trial[here] = self._eval(node.children[here], masks[here] & ~bit)
                    trial[there] = self._eval(node.children[there], masks[there] | bit)
                    if self._make(node, trial).key > current:
                        if here >= 0:
                            masks[here] &= ~bit
                        masks[there] |= bit
                        kids[:] = trial
                        here, moved = there, True
                        current = self._make(node, kids).key
            if moved:
                continue
            pairs = len(contested) * (len(contested) - 1) // 2 * max(map(len, owners), default=0) ** 2
            if not (self._afford(len(contested), pairs) and self._move_pair(node, masks, kids, contested, owners)):
                return

    def _afford(self, contested: int, cost: int) -> bool:
        """Whether a small greedy split may spend ``cost`` more trials of the search budget
        (nested splits multiply, so the extras stay bounded on any definition)."""
        if contested > SMALL_GREEDY or cost > self._budget:
            return False
        self._budget -= cost
        return True

    def _move_pair(self, node: Node, masks: list[int], kids: list[Result], contested: list[int],
                   owners: list[list[int]]) -> bool:
        """Move two credentials at once, when no single move helps.

        Holding a 3-credit course in "any one credential" and a 2-credit one in "two
        credentials", while 4 credits are wanted elsewhere, is only put right by moving
        both: a swap, or a chain of two moves."""
        current = self._make(node, kids).key
        place = {cred: next((i for i in cands if masks[i] >> cred & 1), -1) for cred, cands in zip(contested, owners)}
        for (a, a_owners), (b, b_owners) in itertools.combinations(zip(contested, owners), 2):
            for ta, tb in itertools.product(a_owners, b_owners):
                if ta == place[a] or tb == place[b]:
                    continue  # a single move, already tried
                trial_masks = list(masks)
                for cred, there in ((a, ta), (b, tb)):
                    if place[cred] >= 0:
                        trial_masks[place[cred]] &= ~(1 << cred)
                    trial_masks[there] |= 1 << cred
                changed = {ta, tb, place[a], place[b]} - {-1}
                trial = [self._eval(node.children[i], trial_masks[i]) if i in changed else r
                         for i, r in enumerate(kids)]
                if self._make(node, trial).key > current:
                    masks[:] = trial_masks
                    kids[:] = trial
                    return True
        return False


def _places(node: Node) -> dict[int, int]:
    """Each leaf under an exclusive rule -> the position of the child it sits under."""
    out: dict[int, int] = {}
    for position, child in enumerate(node.children):
        stack = [child]
        while stack:
            below = stack.pop()
            if below.leaf:
                out[below.index] = position
            stack.extend(below.children)
    return out


def _replace(kids: list[Result], i: int, value: Result) -> list[Result]:
    copy = list(kids)
    copy[i] = value
    return copy
