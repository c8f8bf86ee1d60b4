"""Whether a credential meets a rule's ``match``, read from its summary.

Comparisons follow the spec: ids, issuers and URLs compare exactly; names, tags,
achievement types, frameworks, codes and levels compare case-insensitively (after
trimming), since issuers spell them inconsistently and a learner never sees the
difference.
"""

from __future__ import annotations

import math

from wallet.credential import Summary
from wallet.stacks.definition import AlignmentMatch, CreditsRule, Match, StackDefinition


def _fold(text: str) -> str:
    return text.strip().casefold()


def _unit(text: str) -> str:
    """A credit unit for comparison: "Credits" and "credit" are the same unit."""
    folded = _fold(text)
    return folded[:-1] if folded.endswith("s") and len(folded) > 1 else folded


def credential_level(summary: Summary, definition: StackDefinition) -> int | None:
    """The rank of a credential's level in ``definition.levels`` (highest found), or None.

    The level is the targetName or targetCode of an alignment in the definition's
    ``levelFramework``; failing that, a tag that equals one of the levels.
    """
    if not definition.levels:
        return None
    ranks: list[int] = []
    if definition.level_framework:
        framework = _fold(definition.level_framework)
        for a in summary.alignments:
            if _fold(a.framework) == framework:
                for text in (a.name, a.code):
                    rank = definition.level_rank(text) if text else None
                    if rank is not None:
                        ranks.append(rank)
    if not ranks:
        for tag in summary.tags:
            rank = definition.level_rank(tag)
            if rank is not None:
                ranks.append(rank)
    return max(ranks) if ranks else None


def _alignment_holds(wanted: AlignmentMatch, summary: Summary) -> bool:
    for a in summary.alignments:
        if wanted.framework and _fold(a.framework) != _fold(wanted.framework):
            continue
        if wanted.code and _fold(a.code) != _fold(wanted.code):
            continue
        if wanted.url and a.url.strip() != wanted.url:
            continue
        return True
    return False


def matches(match: Match, summary: Summary, definition: StackDefinition) -> bool:
    """True when every key of ``match`` holds for the credential."""
    if match.achievement_id and summary.achievement_id.strip() != match.achievement_id:
        return False
    if match.achievement_type and _fold(summary.achievement_type) != _fold(match.achievement_type):
        return False
    if match.issuer and summary.issuer_id.strip() != match.issuer:
        return False
    if match.tag and _fold(match.tag) not in {_fold(t) for t in summary.tags}:
        return False
    if match.name and _fold(summary.achievement_name or summary.title) != _fold(match.name):
        return False
    if match.alignment and not _alignment_holds(match.alignment, summary):
        return False
    if match.min_level:
        level = credential_level(summary, definition)
        wanted = definition.level_rank(match.min_level)
        if level is None or wanted is None or level < wanted:
            return False
    return True


def credits_of(summary: Summary, rule: CreditsRule) -> float:
    """The credits a credential brings to a credits rule: 0 when in another unit."""
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
