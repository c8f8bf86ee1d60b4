"""Whether a credential meets a rule's ``match``, read from its summary.

Comparisons follow the spec: ids, issuers, achievement types, tags, alignment
frameworks, codes and URLs compare exactly (after trimming spaces); only level names
and the achievement's ``name`` compare case-insensitively.

A credential is read once per definition into :class:`Facts` (its level included), and
:func:`index_keys` / :func:`keys_of` let a tracker test it only against the rules that
could match it: each rule is filed under its most selective key, each credential looks
up every key it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wallet.credential import Summary
from wallet.stacks.definition import CreditsRule, Match, StackDefinition

IndexKey = tuple[str, str]


@dataclass(frozen=True)
class Facts:
    """What matching reads from one credential, normalised once."""

    achievement_id: str
    achievement_type: str
    issuer: str
    name: str  # the achievement's name, case-folded
    tags: frozenset[str]
    alignments: tuple[tuple[str, str, str], ...]  # (framework, code, url)
    level: int | None  # rank in the definition's levels, None when it has none


def _fold(text: str) -> str:
    return text.strip().casefold()


def _unit(text: str) -> str:
    """A credit unit for comparison: "Credits" and "credit" are the same unit."""
    folded = _fold(text)
    return folded[:-1] if folded.endswith("s") and len(folded) > 1 else folded


def facts_of(summary: Summary, definition: StackDefinition) -> Facts:
    return Facts(
        achievement_id=summary.achievement_id.strip(),
        achievement_type=summary.achievement_type.strip(),
        issuer=summary.issuer_id.strip(),
        name=_fold(summary.achievement_name),
        tags=frozenset(t.strip() for t in summary.tags),
        alignments=tuple((a.framework.strip(), a.code.strip(), a.url.strip()) for a in summary.alignments),
        level=credential_level(summary, definition),
    )


def credential_level(summary: Summary, definition: StackDefinition) -> int | None:
    """The rank of a credential's level in ``definition.levels`` (highest found), or None.

    The level is the targetName or targetCode of an alignment in the definition's
    ``levelFramework``; failing that, a tag that equals one of the levels.
    """
    if not definition.levels:
        return None
    ranks: list[int] = []
    if definition.level_framework:
        for a in summary.alignments:
            if a.framework.strip() == definition.level_framework:
                ranks.extend(r for text in (a.name, a.code) if text and (r := definition.level_rank(text)) is not None)
    if not ranks:
        ranks = [r for tag in summary.tags if (r := definition.level_rank(tag)) is not None]
    return max(ranks) if ranks else None


def holds(match: Match, facts: Facts, definition: StackDefinition) -> bool:
    """True when every key of ``match`` holds for the credential."""
    if match.achievement_id and facts.achievement_id != match.achievement_id:
        return False
    if match.achievement_type and facts.achievement_type != match.achievement_type:
        return False
    if match.issuer and facts.issuer != match.issuer:
        return False
    if match.tag and match.tag not in facts.tags:
        return False
    if match.name and facts.name != _fold(match.name):
        return False
    if match.alignment:
        want = match.alignment
        if not any((not want.framework or f == want.framework) and (not want.code or c == want.code)
                   and (not want.url or u == want.url) for f, c, u in facts.alignments):
            return False
    if match.min_level:
        wanted = definition.level_rank(match.min_level)
        if facts.level is None or wanted is None or facts.level < wanted:
            return False
    return True


def matches(match: Match, summary: Summary, definition: StackDefinition) -> bool:
    """:func:`holds` for a summary read on the spot."""
    return holds(match, facts_of(summary, definition), definition)


def index_key(match: Match) -> IndexKey | None:
    """The most selective key a credential must have for ``match`` to hold, or None
    (a match on a level alone, or an empty ``from``: every credential is a candidate)."""
    a = match.alignment
    for kind, value in (("id", match.achievement_id), ("code", a.code if a else ""), ("url", a.url if a else ""),
                        ("name", _fold(match.name)), ("tag", match.tag), ("issuer", match.issuer),
                        ("type", match.achievement_type), ("framework", a.framework if a else "")):
        if value:
            return kind, value
    return None


def keys_of(facts: Facts) -> set[IndexKey]:
    """Every index key a credential has: one lookup each finds the rules that may match."""
    keys: set[IndexKey] = {("tag", t) for t in facts.tags}
    for kind, value in (("id", facts.achievement_id), ("name", facts.name), ("issuer", facts.issuer),
                        ("type", facts.achievement_type)):
        if value:
            keys.add((kind, value))
    for framework, code, url in facts.alignments:
        keys.update((kind, value) for kind, value in (("framework", framework), ("code", code), ("url", url)) if value)
    return keys


def credits_of(summary: Summary, rule: CreditsRule) -> float:
    """The credits a credential brings to a credits rule: 0 when in another unit.

    A credential that names no unit counts in the rule's unit (Open Badges 3.0 has no
    unit field; the definition's author says which unit the programme uses)."""
    value = summary.credits
    if value is None or isinstance(value, bool):
        return 0.0
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(value) or value <= 0:
        return 0.0
    if rule.unit and summary.credits_unit and _unit(summary.credits_unit) != _unit(rule.unit):
        return 0.0
    return value
