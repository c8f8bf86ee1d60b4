"""Rules and what is missing, in words a learner reads.

"1 more micro-course from Data Literacy", "2 of 12 credits": the progress view and
the CLI show these, so they name things as the definition's author labelled them and
fall back on the match's own terms.
"""

from __future__ import annotations

import re

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


def amount(value: float, unit: str = "") -> str:
    """ "1 credit", "2.5 credits", "6 ECTS": a credit figure with its unit."""
    unit = unit or "credits"
    return f"{number(value)} {'credit' if unit == 'credits' and value == 1 else unit}"


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


def describe_match(match: Match) -> str:
    """The conditions of a match as a phrase: 'named "X", tagged "y", at advanced level or above'."""
    parts: list[str] = []
    if match.name:
        parts.append(f"named \u201c{match.name}\u201d")
    if match.achievement_id:
        parts.append(f"for the achievement {match.achievement_id}")
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


def title(rule: Rule) -> str:
    """A rule's name in the progress tree: its label, else a description."""
    if rule.label:
        return rule.label
    if isinstance(rule, MatchRule):
        head = f"{rule.count} {noun(rule.match, rule.count > 1)}" if rule.count > 1 else f"A {noun(rule.match, False)}"
        desc = describe_match(rule.match)
        return f"{head} {desc}" if desc else head
    if isinstance(rule, CreditsRule):
        desc = describe_match(rule.match)
        unit = rule.unit or "credits"
        return f"{number(rule.credits)} {unit}" + (f" from credentials {desc}" if desc else "")
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


def missing_match(rule: MatchRule, matched: int) -> str:
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
    desc = describe_match(rule.match)
    return f"{short} more {kind}" + (f" {desc}" if desc else "")


def missing_credits(rule: CreditsRule, earned: float) -> str:
    if earned >= rule.credits:
        return ""
    unit = rule.unit or "credits"
    text = f"{number(earned)} of {number(rule.credits)} {unit}"
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
