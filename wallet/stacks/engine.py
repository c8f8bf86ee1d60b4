"""The assignment search behind stack progress.

Credentials are numbered; a set of credentials is a Python int used as a bit set, so
"the credentials this rule may use" is one AND. Every rule is evaluated on the bit set
it may draw from and the result is memoised under ``(rule, bit set)``: the memo never
goes stale (a bit set names exactly which credentials were available), so adding a
credential only re-evaluates the rules it touches. That is the incremental update.

Sharing (``shared/specs/stack-definition.md``): ``atLeast`` and ``all`` with
``"distinct": true`` are *exclusive*: their children draw from disjoint sets. The
engine splits the credentials that several children could use (the contested ones)
between those children. Small cases are enumerated exactly; large ones are split
greedily, one credential at a time, to the child where it helps most, then improved by
moving single credentials. A greedy split with few contested credentials also moves
pairs (swaps and two-step chains) and, for ``atLeast``, starts once from each child
holding all it can use; these extras draw on the same search budget.

The objective: the assignment with the most progress toward the whole stack, then the
one that meets the most requirements (counted over the whole tree), then the most
progress summed over every rule. The spec lists "most requirements" first; taken
literally that can *lower* a stack's progress when a credential is added (a
credential moved into a nested rule meets two requirements there but helps the stack
less), and progress must never go down. Whenever the stack can be met, both orders
meet it. Each rule returns two candidates to its parent, its best outcome with the
rule met and its best with it not met, so a parent that needs a child met can take
it, and the split of an exclusive rule stays optimal.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from wallet.stacks.definition import AllRule, AtLeastRule, CreditsRule, MatchRule, Rule

EXACT_LIMIT = 512  # splits enumerated exactly below this many combinations
MEMO_LIMIT = 200_000
SEARCH_BUDGET = 20_000  # exact split combinations per evaluation, over all rules
SMALL_GREEDY = 16  # greedy splits with at most this many contested credentials: seeds, pair moves
_BELOW_ONE = math.nextafter(1.0, 0.0)
_EPSILON = 1e-9


class Node:
    """A rule with its place in the flattened tree and what it may draw from."""

    __slots__ = ("index", "rule", "children", "kind", "exclusive", "leaf", "rel", "credits", "count", "n")

    def __init__(self, index: int, rule: Rule) -> None:
        self.index = index
        self.rule = rule
        self.children: list[Node] = []
        self.kind = type(rule).__name__
        self.exclusive = isinstance(rule, AtLeastRule) or (isinstance(rule, AllRule) and rule.distinct)
        self.leaf = isinstance(rule, (MatchRule, CreditsRule))
        self.rel = 0  # credentials that some leaf under this node matches
        self.credits: dict[int, float] = {}  # credits rule: credential index -> credits
        self.count = rule.count if isinstance(rule, MatchRule) else 0
        self.n = rule.n if isinstance(rule, AtLeastRule) else len(rule.children)


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


Outcome = tuple[Result | None, Result | None]  # (best with the rule met, best with it not met)


def _better(a: Result | None, b: Result | None) -> Result | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.key > a.key else a


def best(outcome: Outcome) -> Result:
    chosen = _better(outcome[0], outcome[1])
    assert chosen is not None
    return chosen


def _lowest_bits(mask: int, k: int) -> int:
    out = 0
    while mask and k:
        low = mask & -mask
        out |= low
        mask ^= low
        k -= 1
    return out


def bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


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
        self._leaf_masks: dict[int, int] = {n.index: 0 for n in self.leaves}
        self._memo: dict[tuple[int, int], Outcome] = {}
        self._signature: dict[int, frozenset[int]] = {}  # credential -> leaves it matches
        self._budget = SEARCH_BUDGET

    def _flatten(self, rule: Rule) -> Node:
        node = Node(len(self.nodes), rule)
        self.nodes.append(node)
        node.children = [self._flatten(child) for child in rule.children]
        return node

    # -- what each credential matches

    def set_matches(self, cred: int, leaves: dict[int, float]) -> None:
        """Record that credential ``cred`` matches ``leaves`` (leaf index -> credits)."""
        bit = 1 << cred
        self._signature[cred] = frozenset(leaves)
        for index, credits in leaves.items():
            node = self.nodes[index]
            self._leaf_masks[index] |= bit
            if node.kind == "CreditsRule":
                node.credits[cred] = credits
            while True:
                node.rel |= bit
                parent = self._parents.get(node.index)
                if parent is None or parent.rel & bit:
                    break
                node = parent

    def leaf_mask(self, node: Node) -> int:
        return self._leaf_masks.get(node.index, 0)

    # -- evaluation

    def evaluate(self, available: int) -> Result:
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        self._budget = SEARCH_BUDGET
        return best(self._eval(self.root, available))

    def _eval(self, node: Node, mask: int) -> Outcome:
        mask &= node.rel
        key = (node.index, mask)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        if node.leaf:
            result = self._leaf(node, mask)
            out: Outcome = (result, None) if result.met else (None, result)
        elif node.exclusive:
            out = self._split(node, mask)
        else:
            out = self._combine(node, [self._eval(child, mask) for child in node.children])
        self._memo[key] = out
        return out

    def _leaf(self, node: Node, mask: int) -> Result:
        if node.kind == "MatchRule":
            matched = mask.bit_count()
            used = _lowest_bits(mask, node.count)
            got = min(matched, node.count)
            met = got >= node.count
            frac = 1.0 if met else got / node.count
            return Result(node, met, frac, int(met), frac, used=used, earned=float(got))
        rule = node.rule
        assert isinstance(rule, CreditsRule)
        earned = sum(node.credits.get(i, 0.0) for i in bits(mask))
        met = earned >= rule.credits - _EPSILON
        frac = 1.0 if met else min(earned / rule.credits, _BELOW_ONE)
        return Result(node, met, frac, int(met), frac, used=mask, earned=earned)

    # -- combining children's outcomes

    def _make(self, node: Node, kids: Sequence[Result]) -> Result:
        nmet = sum(1 for k in kids if k.met)
        if node.kind == "AtLeastRule":
            met = nmet >= node.n
            top = sorted((k.frac for k in kids), reverse=True)[: node.n]
            frac = sum(top) / node.n
        else:
            met = nmet == len(kids)
            frac = sum(k.frac for k in kids) / len(kids)
        frac = 1.0 if met else min(frac, _BELOW_ONE)
        mc = sum(k.mc for k in kids) + int(met)
        fs = sum(k.fs for k in kids) + frac
        return Result(node, met, frac, mc, fs, kids=tuple(kids))

    def _combine(self, node: Node, outs: Sequence[Outcome]) -> Outcome:
        """The best met and best unmet outcome of ``node`` given its children's."""
        need = node.n if node.kind == "AtLeastRule" else len(outs)
        chosen = [best(o) for o in outs]
        met_idx = [i for i, r in enumerate(chosen) if r.met]
        return self._with_met(node, outs, chosen, met_idx, need), self._without_met(
            node, outs, chosen, met_idx, need
        )

    def _with_met(self, node: Node, outs: Sequence[Outcome], chosen: list[Result],
                  met_idx: list[int], need: int) -> Result | None:
        short = need - len(met_idx)
        if short <= 0:
            return self._make(node, chosen)
        # switch the children that lose least by being met
        options = [i for i, o in enumerate(outs) if not chosen[i].met and o[0] is not None]
        if len(options) < short:
            return None
        options.sort(key=lambda i: (chosen[i].mc - outs[i][0].mc, chosen[i].fs - outs[i][0].fs))  # type: ignore[union-attr]
        kids = list(chosen)
        for i in options[:short]:
            kids[i] = outs[i][0]  # type: ignore[assignment]
        return self._make(node, kids)

    def _without_met(self, node: Node, outs: Sequence[Outcome], chosen: list[Result],
                     met_idx: list[int], need: int) -> Result | None:
        excess = len(met_idx) - (need - 1)
        if excess <= 0:
            return self._make(node, chosen)
        options = [i for i in met_idx if outs[i][1] is not None]
        if len(options) < excess:
            return None
        options.sort(key=lambda i: (chosen[i].mc - outs[i][1].mc, -outs[i][1].frac))  # type: ignore[union-attr]
        kids = list(chosen)
        for i in options[:excess]:
            kids[i] = outs[i][1]  # type: ignore[assignment]
        return self._make(node, kids)

    # -- exclusive rules: splitting contested credentials between children

    def _split(self, node: Node, mask: int) -> Outcome:
        parts = [mask & child.rel for child in node.children]
        seen = dup = 0
        for part in parts:
            dup |= seen & part
            seen |= part
        base = [part & ~dup for part in parts]
        contested = bits(dup)
        owners = [[i for i, part in enumerate(parts) if part >> c & 1] for c in contested]
        combos = 1
        for o in owners:
            combos *= len(o)
            if combos > self.exact_limit:
                return self._split_greedy(node, base, contested, owners)
        if combos > self._budget:  # nested splits multiply: stay bounded on any definition
            return self._split_greedy(node, base, contested, owners)
        self._budget -= combos
        return self._split_exact(node, base, contested, owners)

    def _split_exact(self, node: Node, base: list[int], contested: list[int],
                     owners: list[list[int]]) -> Outcome:
        met: Result | None = None
        unmet: Result | None = None
        for choice in itertools.product(*owners):
            masks = list(base)
            for cred, child in zip(contested, choice):
                masks[child] |= 1 << cred
            m, u = self._combine(node, [self._eval(c, masks[i]) for i, c in enumerate(node.children)])
            met, unmet = _better(met, m), _better(unmet, u)
        return met, unmet

    def _split_greedy(self, node: Node, base: list[int], contested: list[int],
                      owners: list[list[int]]) -> Outcome:
        """Greedy splits; for a small ``atLeast`` also one seeded per child with every
        credential it can use, since only its best children count and spreading
        credentials thin can leave all of them short."""
        met, unmet = self._greedy(node, base, contested, owners, -1)
        if node.kind == "AtLeastRule" and self._afford(len(contested), len(node.children) * len(contested)):
            for favour in range(len(node.children)):
                m, u = self._greedy(node, base, contested, owners, favour)
                met, unmet = _better(met, m), _better(unmet, u)
        return met, unmet

    def _greedy(self, node: Node, base: list[int], contested: list[int],
                owners: list[list[int]], favour: int) -> Outcome:
        masks = list(base)
        for cred, candidates in zip(contested, owners):
            if favour in candidates:
                masks[favour] |= 1 << cred
        outs = [self._eval(c, masks[i]) for i, c in enumerate(node.children)]
        saturated: set[tuple[frozenset[int], int]] = set()
        order = sorted(range(len(contested)), key=lambda k: (len(owners[k]), contested[k]))
        for k in order:
            cred = contested[k]
            if favour in owners[k]:
                continue
            signature = self._signature.get(cred, frozenset())
            current = best(self._combine(node, outs)).key
            pick, pick_key, pick_out = -1, current, None
            for i in owners[k]:
                if (signature, i) in saturated:
                    continue
                trial = self._eval(node.children[i], masks[i] | 1 << cred)
                if _same(trial, outs[i]):
                    saturated.add((signature, i))
                    continue
                trial_key = best(self._combine(node, _replace(outs, i, trial))).key
                if trial_key > pick_key:
                    pick, pick_key, pick_out = i, trial_key, trial
            if pick >= 0 and pick_out is not None:
                masks[pick] |= 1 << cred
                outs[pick] = pick_out
        self._improve(node, masks, outs, contested, owners)
        return self._combine(node, outs)

    def _improve(self, node: Node, masks: list[int], outs: list[Outcome], contested: list[int],
                 owners: list[list[int]], passes: int = 3) -> None:
        """Local search after the greedy split: move single credentials while that helps,
        then (small splits) pairs of credentials."""
        for _ in range(passes):
            moved = False
            for cred, candidates in zip(contested, owners):
                bit = 1 << cred
                here = next((i for i in candidates if masks[i] & bit), -1)
                current = best(self._combine(node, outs)).key
                for there in candidates:
                    if there == here:
                        continue
                    trial = list(outs)
                    if here >= 0:
                        trial[here] = self._eval(node.children[here], masks[here] & ~bit)
                    trial[there] = self._eval(node.children[there], masks[there] | bit)
                    if best(self._combine(node, trial)).key > current:
                        if here >= 0:
                            masks[here] &= ~bit
                        masks[there] |= bit
                        outs[:] = trial
                        here, moved = there, True
                        current = best(self._combine(node, outs)).key
            if moved:
                continue
            pairs = len(contested) * (len(contested) - 1) // 2 * max(map(len, owners), default=0) ** 2
            if not (self._afford(len(contested), pairs) and self._move_pair(node, masks, outs, contested, owners)):
                return

    def _afford(self, contested: int, cost: int) -> bool:
        """Whether a small greedy split may spend ``cost`` more trials of the search budget
        (nested splits multiply, so the extras stay bounded on any definition)."""
        if contested > SMALL_GREEDY or cost > self._budget:
            return False
        self._budget -= cost
        return True

    def _move_pair(self, node: Node, masks: list[int], outs: list[Outcome], contested: list[int],
                   owners: list[list[int]]) -> bool:
        """Move two credentials at once, when no single move helps.

        Holding a 3-credit course in "any one credential" and a 2-credit one in "two
        credentials", while 4 credits are wanted elsewhere, is only put right by moving
        both: a swap, or a chain of two moves."""
        current = best(self._combine(node, outs)).key
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
                trial = [self._eval(node.children[i], trial_masks[i]) if i in changed else o
                         for i, o in enumerate(outs)]
                if best(self._combine(node, trial)).key > current:
                    masks[:] = trial_masks
                    outs[:] = trial
                    return True
        return False


def _replace(outs: list[Outcome], i: int, value: Outcome) -> list[Outcome]:
    copy = list(outs)
    copy[i] = value
    return copy


def _same(a: Outcome, b: Outcome) -> bool:
    return all(
        (x is None and y is None) or (x is not None and y is not None and x.key == y.key) for x, y in zip(a, b)
    )

