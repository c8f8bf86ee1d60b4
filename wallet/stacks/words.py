"""Rules and what is missing, in words a learner reads.

"1 more micro-course from Data Literacy", "2 of 12 credits": the progress view and
the CLI show these, so they name things as the definition's author labelled them and
fall back on the match's own terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from wallet.stacks.definition import AllRule, AtLeastRule, CreditsRule, Match, MatchRule, Rule

_KNOWN_NOUNS = {
    "microcredential": "micro-credential",
    "course": "course",
    "certificate": "certificate",
    "badge": "badge",
    "competency": "competency badge",
    "degree": "degree",
    "diploma": "diploma",
    "license": "licence",
    "certification": "certification",
    "module": "module",
    "award": "award",
}


def number(value: float) -> str:
    """2.0 -> "2", 2.5 -> "2.5"."""
    return f"{value:g}" if value != int(value) else str(int(value))


def unit_word(unit: str, value: float) -> str:
    """The unit as it reads after ``value``: "1 credit", "2 credits", "6 ECTS", "1 CEU".

    An abbreviation in capitals (ECTS, CATS) stays as written; a word takes its plural
    after any figure but 1."""
    unit = unit.strip() or "credits"
    if unit.isupper():
        return unit
    singular = unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit
    if value == 1:
        return singular
    return unit if unit.endswith("s") else unit + "s"


def amount(value: float, unit: str = "") -> str:
    """ "1 credit", "2.5 credits", "6 ECTS": a credit figure with its unit."""
    return f"{number(value)} {unit_word(unit, value)}"


def of_amount(done: float, needed: float, unit: str = "") -> str:
    """ "0 of 2 credits", "3 of 6 ECTS": credits earned toward a rule."""
    return f"{number(done)} of {amount(needed, unit)}"


def counted(n: int, singular: str, plural: str = "") -> str:
    """ "1 credential", "3 credentials"."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def noun(match: Match, plural: bool) -> str:
    """What kind of credential the match asks for: "micro-credential", "badge", "credential"."""
    kind = match.achievement_type.replace("ext:", "")
    word = _KNOWN_NOUNS.get(re.sub(r"[^a-z]", "", kind.casefold()))
    if word is None and kind:
        word = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).lower()
    word = word or "credential"
    return word + ("s" if plural else "")


def achievement_label(achievement_id: str, names: Mapping[str, str] | None = None) -> str:
    """An achievement as a learner knows it: its name, when a held credential gives one."""
    name = (names or {}).get(achievement_id, "")
    return f"\u201c{name}\u201d" if name else f"the achievement {achievement_id}"


def describe_match(match: Match, names: Mapping[str, str] | None = None) -> str:
    """The conditions of a match as a phrase: 'named "X", tagged "y", at advanced level or above'.

    ``names`` maps achievement ids to names (from the credentials held), so a learner reads
    "for “Data Literacy 3”" rather than an id."""
    parts: list[str] = []
    if match.name:
        parts.append(f"named \u201c{match.name}\u201d")
    elif match.achievement_id:
        parts.append(f"for {achievement_label(match.achievement_id, names)}")
    if match.tag:
        parts.append(f"tagged \u201c{match.tag}\u201d")
    if match.alignment:
        a = match.alignment
        what = a.code or a.url or a.framework
        where = f" of {a.framework}" if a.framework and (a.code or a.url) else ""
        parts.append(f"in {what}{where}")
    if match.min_level:
        parts.append(f"at {match.min_level} level or above")
    if match.issuer:
        parts.append(f"from {match.issuer}")
    return ", ".join(parts)


def title(rule: Rule, names: Mapping[str, str] | None = None) -> str:
    """A rule's name in the progress tree: its label, else a description."""
    if rule.label:
        return rule.label
    if isinstance(rule, MatchRule):
        head = f"{rule.count} {noun(rule.match, rule.count > 1)}" if rule.count > 1 else f"A {noun(rule.match, False)}"
        desc = describe_match(rule.match, names)
        return f"{head} {desc}" if desc else head
    if isinstance(rule, CreditsRule):
        desc = describe_match(rule.match, names)
        return amount(rule.credits, rule.unit) + (f" from credentials {desc}" if desc else "")
    if isinstance(rule, AtLeastRule):
        return f"{rule.n} of these {len(rule.rules)}"
    if isinstance(rule, AllRule):
        return "All of these" + (", each with its own credentials" if rule.distinct else "")
    return rule.id or rule.path


# A label that already names what it counts: "Data Literacy micro-courses".
_LABEL_KIND = re.compile(
    r"^(?P<source>.+?)\s+(?P<kind>micro-courses?|micro-credentials?|courses?|modules?|badges?|units?|certificates?)$",
    re.IGNORECASE,
)


def missing_match(rule: MatchRule, matched: int, names: Mapping[str, str] | None = None) -> str:
    """ "1 more micro-course from Data Literacy", "2 more badges for Safety online"."""
    short = rule.count - matched
    if short <= 0:
        return ""
    kind = noun(rule.match, short > 1)
    if rule.label:
        named = _LABEL_KIND.match(rule.label.strip())
        if named:
            singular = named["kind"].lower().removesuffix("s")
            return f"{short} more {singular}{'s' if short > 1 else ''} from {named['source']}"
        return f"{short} more {kind} for {rule.label}"
    desc = describe_match(rule.match, names)
    return f"{short} more {kind}" + (f" {desc}" if desc else "")


def missing_credits(rule: CreditsRule, earned: float) -> str:
    if earned >= rule.credits:
        return ""
    text = of_amount(earned, rule.credits, rule.unit)
    return text + (f" for {rule.label}" if rule.label else "")


def missing_at_least(rule: AtLeastRule, met: int) -> str:
    short = rule.n - met
    if short <= 0:
        return ""
    where = f" for {rule.label}" if rule.label else ""
    return f"{short} more of the {len(rule.rules)} options{where} ({met} of {rule.n} done)"


def missing_all(rule: AllRule, met: int) -> str:
    total = len(rule.rules)
    if met >= total:
        return ""
    where = f" of {rule.label}" if rule.label else ""
    return f"{total - met} of {total} parts{where} still to do"
