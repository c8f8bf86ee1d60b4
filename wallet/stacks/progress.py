"""How far the learner has come toward a stack, and what is still missing.

:class:`ProgressTracker` holds one definition and the credentials the wallet holds,
each with its standing (earned, pending, not counted). :meth:`ProgressTracker.progress`
runs the assignment search of :mod:`wallet.stacks.engine` on the earned credentials and
turns the chosen assignment into :class:`RuleProgress` records: met or not, a fraction,
the credentials that count, what is missing in words, and the held credentials that
would fit but do not count (pending ones, and failed, expired or revoked ones with
the reason).

Adding or re-checking a credential is incremental: only its matches are computed and
the engine's memo keeps every rule it does not touch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wallet.credential import CredentialId, Summary
from wallet.stacks import words
from wallet.stacks.bitsets import bits, mask_of
from wallet.stacks.definition import (
    AllRule,
    AtLeastRule,
    CreditsRule,
    MatchRule,
    Publisher,
    StackDefinition,
    StackId,
)
from wallet.stacks.engine import EXACT_LIMIT, Engine, Node, Result
from wallet.stacks.matching import IndexKey, credits_of, facts_of, holds, index_key, keys_of
from wallet.stacks.standing import CredentialStanding, Standing

MAX_NEXT_STEPS = 12


@dataclass(frozen=True)
class HeldCredential:
    """A credential as stacks see it: what it is, and whether it counts."""

    id: CredentialId
    summary: Summary
    standing: CredentialStanding

    @property
    def title(self) -> str:
        return self.summary.title


@dataclass(frozen=True)
class RuleProgress:
    """One requirement's progress under the chosen assignment."""

    path: str  # where the rule sits in the file, e.g. "requirement.all[2]"
    kind: str  # "all", "atLeast", "credits", "match"
    title: str  # the label, else a description of the rule
    met: bool
    fraction: float  # 0..1; 1 exactly when met
    counting: tuple[CredentialId, ...]  # credentials that count toward it
    missing: str  # what is still missing, in words ("" when met)
    children: tuple["RuleProgress", ...] = ()
    pending: tuple[CredentialId, ...] = ()  # would fit, but not checked yet
    not_counted: tuple[CredentialId, ...] = ()  # would fit, but failed / expired / revoked
    done: float = 0.0  # matches found, credits earned, or children met
    needed: float = 0.0  # matches, credits or children needed
    rule_id: str = ""
    label: str = ""  # the author's label, if any
    unit: str = ""  # credits rules: the unit they count in ("" for credits)

    def walk(self) -> Iterable["RuleProgress"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class StackProgress:
    stack_id: StackId
    name: str
    root: RuleProgress
    next_steps: tuple[str, ...]
    held: dict[CredentialId, HeldCredential]  # every credential named in the tree
    description: str = ""
    publisher: Publisher | None = None
    inferred: bool = False  # derived from the credentials, not published

    @property
    def fraction(self) -> float:
        return self.root.fraction

    @property
    def met(self) -> bool:
        return self.root.met

    @property
    def counting(self) -> tuple[CredentialId, ...]:
        """The credentials that make up the stack so far (for sharing it)."""
        return self.root.counting

    @property
    def pending(self) -> tuple[CredentialId, ...]:
        return _union(r.pending for r in self.root.walk())

    @property
    def not_counted(self) -> tuple[CredentialId, ...]:
        return _union(r.not_counted for r in self.root.walk())

    def find(self, path: str) -> RuleProgress | None:
        return next((r for r in self.root.walk() if r.path == path), None)


def _union(groups: Iterable[Iterable[CredentialId]]) -> tuple[CredentialId, ...]:
    out: dict[CredentialId, None] = {}
    for group in groups:
        out.update(dict.fromkeys(group))
    return tuple(out)


_KINDS = {AllRule: "all", AtLeastRule: "atLeast", CreditsRule: "credits", MatchRule: "match"}


class ProgressTracker:
    """One definition's progress over the credentials held; update it as they change."""

    def __init__(self, definition: StackDefinition, *, inferred: bool = False,
                 exact_limit: int = EXACT_LIMIT) -> None:
        self.definition = definition
        self.inferred = inferred
        self._engine = Engine(definition.requirement, exact_limit=exact_limit)
        self._by_key, self._others = _leaf_index(self._engine.leaves)
        self._index: dict[CredentialId, int] = {}
        self._held: list[HeldCredential | None] = []
        self._earned = 0
        self._pending = 0
        self._excluded = 0
        wanted = {n.rule.match.achievement_id for n in self._engine.leaves}  # type: ignore[attr-defined]
        self._wanted_names = wanted - {""}
        self._names: dict[str, str] = {}  # achievement id -> name, from any credential held

    def update_all(self, held: Iterable[HeldCredential]) -> None:
        """Make the tracked set exactly ``held`` (adds, re-checks, removals); new
        credentials are matched in one batch."""
        wanted = {h.id: h for h in held}
        for cred_id in [i for i in self._index if i not in wanted]:
            self.remove(cred_id)
        new = [h for h in wanted.values() if h.id not in self._index]
        for h in wanted.values():
            if h.id in self._index and self._held[self._index[h.id]] != h:
                self.update(h)
        self._add(new)

    def update(self, held: HeldCredential) -> None:
        """Add a credential, or record its new standing."""
        index = self._index.get(held.id)
        if index is None:
            self._add([held])
            return
        self._held[index] = held
        bit = 1 << index
        self._earned &= ~bit
        self._pending &= ~bit
        self._excluded &= ~bit
        self._set_standing({held.standing.standing: bit})

    def _add(self, new: list[HeldCredential]) -> None:
        found: dict[int, dict[int, float]] = {}
        groups: dict[Standing, list[int]] = {}
        for held in new:
            index = len(self._held)
            self._index[held.id] = index
            self._held.append(held)
            found[index] = self._matches(held.summary)
            groups.setdefault(held.standing.standing, []).append(index)
            achievement = held.summary.achievement_id.strip()
            if achievement in self._wanted_names:
                self._names[achievement] = held.summary.achievement_name or held.summary.title
        self._engine.add_matches(found)
        self._set_standing({standing: mask_of(indexes) for standing, indexes in groups.items()})

    def _set_standing(self, masks: dict[Standing, int]) -> None:
        for standing, mask in masks.items():
            if standing is Standing.EARNED:
                self._earned |= mask
            elif standing is Standing.PENDING:
                self._pending |= mask
            else:
                self._excluded |= mask

    def remove(self, cred_id: CredentialId) -> None:
        """Forget a credential (trashed). Its number is not reused."""
        index = self._index.pop(cred_id, None)
        if index is None:
            return
        bit = 1 << index
        self._earned &= ~bit
        self._pending &= ~bit
        self._excluded &= ~bit
        self._held[index] = None

    def _matches(self, summary: Summary) -> dict[int, float]:
        """The leaves a credential matches (leaf index -> its credits for credits rules).
        Only the leaves filed under one of its keys are tested."""
        facts = facts_of(summary, self.definition)
        candidates = list(self._others)
        for key in keys_of(facts):
            candidates.extend(self._by_key.get(key, ()))
        out: dict[int, float] = {}
        for node in candidates:
            rule = node.rule
            if isinstance(rule, CreditsRule):
                credits = credits_of(summary, rule)
                if credits > 0 and holds(rule.match, facts, self.definition):
                    out[node.index] = credits
            elif holds(rule.match, facts, self.definition):  # type: ignore[attr-defined]
                out[node.index] = 0.0
        return out

    def progress(self) -> StackProgress:
        result = self._engine.evaluate(self._earned)
        root = self._build(result)
        named: dict[CredentialId, HeldCredential] = {}
        for rule in root.walk():
            for cred_id in (*rule.counting, *rule.pending, *rule.not_counted):
                named[cred_id] = self._held[self._index[cred_id]]  # type: ignore[assignment]
        d = self.definition
        return StackProgress(
            stack_id=d.id,
            name=d.name,
            root=root,
            next_steps=tuple(next_steps(root))[:MAX_NEXT_STEPS],
            held=named,
            description=d.description,
            publisher=d.publisher,
            inferred=self.inferred,
        )

    # -- from the engine's result to records

    def _ids(self, mask: int) -> tuple[CredentialId, ...]:
        out = []
        for i in bits(mask):
            held = self._held[i]
            if held is not None:
                out.append(held.id)
        return tuple(out)

    def _build(self, result: Result) -> RuleProgress:
        node = result.node
        rule = node.rule
        kids = tuple(self._build(k) for k in result.kids)
        if node.leaf:
            mask = self._engine.leaf_mask(node)
            counting = self._ids(result.used)
            pending, excluded = self._ids(mask & self._pending), self._ids(mask & self._excluded)
        else:
            counting = _union(k.counting for k in _counting_children(rule, kids))
            pending = excluded = ()
        done, needed, missing = _figures(rule, result, kids, self._names)
        return RuleProgress(
            path=rule.path,
            kind=_KINDS[type(rule)],
            title=self.definition.name if rule is self.definition.requirement and not rule.label
            else words.title(rule, self._names),
            met=result.met,
            fraction=result.frac,
            counting=counting,
            missing=missing,
            children=kids,
            pending=pending,
            not_counted=excluded,
            done=done,
            needed=needed,
            rule_id=rule.id,
            label=rule.label,
            unit=rule.unit if isinstance(rule, CreditsRule) else "",
        )


def _leaf_index(leaves: list[Node]) -> tuple[dict[IndexKey, list[Node]], list[Node]]:
    """Leaves filed under the most selective key their match requires; those with none apart."""
    by_key: dict[IndexKey, list[Node]] = {}
    others: list[Node] = []
    for node in leaves:
        key = index_key(node.rule.match)  # type: ignore[attr-defined]
        if key is None:
            others.append(node)
        else:
            by_key.setdefault(key, []).append(node)
    return by_key, others


def _counting_children(rule: object, kids: tuple[RuleProgress, ...]) -> tuple[RuleProgress, ...]:
    """An atLeast rule that is met needs only its n best children's credentials."""
    if isinstance(rule, AtLeastRule) and sum(k.met for k in kids) >= rule.n:
        return tuple(k for k in kids if k.met)[: rule.n]
    return kids


def _figures(rule: object, result: Result, kids: tuple[RuleProgress, ...],
             names: dict[str, str]) -> tuple[float, float, str]:
    if isinstance(rule, MatchRule):
        got = int(result.earned)
        return got, rule.count, words.missing_match(rule, got, names)
    if isinstance(rule, CreditsRule):
        return result.earned, rule.credits, words.missing_credits(rule, result.earned)
    met = sum(1 for k in kids if k.met)
    if isinstance(rule, AtLeastRule):
        return met, rule.n, words.missing_at_least(rule, met)
    assert isinstance(rule, AllRule)
    return met, len(kids), words.missing_all(rule, met)


def next_steps(rule: RuleProgress, context: str = "") -> list[str]:
    """What to do next, leaf by leaf: for an atLeast, only the options closest to done."""
    if rule.met:
        return []
    if not rule.children:
        text = rule.missing
        if rule.pending:
            n = len(rule.pending)
            text += f" ({n} more held, waiting for a check)"
        return [f"{context}: {text}" if context and context not in text else text]
    unmet = [k for k in rule.children if not k.met]
    if rule.kind == "atLeast":
        short = int(rule.needed - rule.done)
        unmet = sorted(unmet, key=lambda k: -k.fraction)[:short]
    steps: list[str] = []
    for kid in unmet:
        steps.extend(next_steps(kid, rule.label or context))
    return steps


def evaluate(
    definition: StackDefinition, held: Iterable[HeldCredential], *, inferred: bool = False
) -> StackProgress:
    """Progress of one definition over the given credentials (a fresh tracker)."""
    tracker = ProgressTracker(definition, inferred=inferred)
    for h in held:
        tracker.update(h)
    return tracker.progress()
