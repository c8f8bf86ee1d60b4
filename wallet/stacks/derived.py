"""Stacks the wallet infers from what it holds, without any definition file.

- A CLR 2.0 transcript's ``association`` edges (isChildOf, isParentOf, isPartOf) make a
  tree of ``all`` rules over its achievements; it is evaluated like any definition.
- Credentials aligned to the same framework make a skills view: one row per
  competency, with the levels reached and the highest one.
- Credentials with credits, grouped by issuer, show a running total.

Everything here is labelled as inferred (``INFERRED_NOTE``), so a learner never
mistakes it for an institution's published requirements.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wallet.credential import Credential, CredentialId, Format
from wallet.stacks.definition import AllRule, Match, MatchRule, Rule, StackDefinition, StackId
from wallet.stacks.progress import HeldCredential, StackProgress, evaluate
from wallet.stacks.standing import Standing

INFERRED_NOTE = "Inferred from your credentials; no institution published these requirements."
CLR_PREFIX = "inferred:clr:"

# Level words in order, lowest first, for credentials that carry a level without a
# definition saying which levels exist. Each rank lists the words that mean it.
DEFAULT_LEVELS: tuple[tuple[str, ...], ...] = (
    ("foundational", "foundation", "basic", "beginner", "introductory", "entry", "novice", "a1", "a2", "level 1", "l1"),
    ("intermediate", "developing", "competent", "b1", "b2", "level 2", "l2"),
    ("advanced", "expert", "proficient", "mastery", "c1", "c2", "level 3", "l3"),
)
LEVEL_NAMES = ("Foundational", "Intermediate", "Advanced")


# ---------------------------------------------------------------- CLR associations


_EDGES = {"isChildOf": False, "isPartOf": False, "isParentOf": True}  # True: source is the parent


def clr_definition(clr: Credential) -> StackDefinition | None:
    """A tree of ``all`` rules from a CLR's associations, or None when it has none."""
    subject = clr.document.get("credentialSubject")
    if not isinstance(subject, dict):
        return None
    names = _achievement_names(subject)
    children: dict[str, list[str]] = {}
    has_parent: set[str] = set()
    for edge in _as_list(subject.get("association")):
        if not isinstance(edge, dict) or edge.get("associationType") not in _EDGES:
            continue
        source, target = edge.get("sourceId"), edge.get("targetId")
        if not (isinstance(source, str) and isinstance(target, str)) or source == target:
            continue
        parent, child = (source, target) if _EDGES[edge["associationType"]] else (target, source)
        if child not in children.get(parent, []):
            children.setdefault(parent, []).append(child)
            has_parent.add(child)
    if not children:
        return None
    roots = [p for p in children if p not in has_parent] or list(children)[:1]
    tops = [_clr_rule(r, children, names, f"requirement.all[{i}]", set()) for i, r in enumerate(roots)]
    title = clr.summary.title or "Learner record"
    return StackDefinition(
        id=StackId(CLR_PREFIX + clr.id),
        name=f"{title} (from its associations)",
        requirement=AllRule(path="requirement", label=title, rules=tuple(tops)),
        description=INFERRED_NOTE,
    )


def _clr_rule(node: str, children: dict[str, list[str]], names: dict[str, str], path: str, seen: set[str]) -> Rule:
    label = names.get(node, node)
    kids = [k for k in children.get(node, []) if k not in seen | {node}]
    own = MatchRule(path=f"{path}.all[0]" if kids else path, id=node, label=label,
                    match=Match(achievement_id=node))
    if not kids:
        return own
    rules: list[Rule] = [own]
    for i, kid in enumerate(kids, start=1):
        rules.append(_clr_rule(kid, children, names, f"{path}.all[{i}]", seen | {node}))
    return AllRule(path=path, id=node, label=label, rules=tuple(rules))


def _achievement_names(subject: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    achievements = _as_list(subject.get("achievement"))
    for vc in _as_list(subject.get("verifiableCredential")):
        if isinstance(vc, dict) and isinstance(vc.get("credentialSubject"), dict):
            achievements.append(vc["credentialSubject"].get("achievement"))
    for a in achievements:
        if isinstance(a, dict) and isinstance(a.get("id"), str) and isinstance(a.get("name"), str):
            names[a["id"]] = a["name"]
    return names


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def clr_definitions(creds: Iterable[Credential]) -> list[StackDefinition]:
    """The association tree of every CLR the wallet holds (those that have one)."""
    out = []
    for cred in creds:
        if cred.format is not Format.CLR2:
            continue
        try:
            definition = clr_definition(cred)
        except (ValueError, TypeError, KeyError):
            continue
        if definition is not None:
            out.append(definition)
    return out


def clr_progress(creds: Iterable[Credential], held: list[HeldCredential]) -> list[StackProgress]:
    """Progress over every CLR's association tree that the wallet holds."""
    return [evaluate(d, held, inferred=True) for d in clr_definitions(creds)]


# ---------------------------------------------------------------- skills


@dataclass(frozen=True)
class SkillRow:
    """One competency of a framework, and how far the learner has reached in it."""

    framework: str
    code: str
    name: str
    levels: dict[int, tuple[CredentialId, ...]] = field(default_factory=dict)  # rank -> credentials
    unleveled: tuple[CredentialId, ...] = ()  # aligned, but without a level
    pending: tuple[CredentialId, ...] = ()  # aligned, not counted yet

    @property
    def highest(self) -> int | None:
        return max(self.levels) if self.levels else None

    @property
    def highest_name(self) -> str:
        rank = self.highest
        if rank is None:
            return "Held" if self.unleveled else "Not yet"
        return LEVEL_NAMES[rank]


@dataclass(frozen=True)
class SkillsFramework:
    name: str
    rows: tuple[SkillRow, ...]
    level_names: tuple[str, ...] = LEVEL_NAMES
    note: str = INFERRED_NOTE


def level_of_text(text: str) -> int | None:
    folded = text.strip().casefold()
    if folded.startswith("level:"):
        folded = folded[6:]
    for rank, words in enumerate(DEFAULT_LEVELS):
        if folded in words:
            return rank
    return None


def _level(held: HeldCredential, skill_frameworks: set[str]) -> int | None:
    """A credential's level: a level word in a non-skill alignment, else in a tag."""
    ranks = [
        r for a in held.summary.alignments if a.framework.casefold() not in skill_frameworks
        for r in (level_of_text(a.name), level_of_text(a.code)) if r is not None
    ]
    if not ranks:
        ranks = [r for t in held.summary.tags if (r := level_of_text(t)) is not None]
    return max(ranks) if ranks else None


def _is_level_framework(alignments: list[tuple[str, str]]) -> bool:
    return all(level_of_text(name) is not None or level_of_text(code) is not None for name, code in alignments)


def skills(held: Iterable[HeldCredential]) -> list[SkillsFramework]:
    """Every alignment framework the credentials name (levels frameworks aside)."""
    held = [h for h in held if h.standing.standing is not Standing.NOT_COUNTED]
    by_framework: dict[str, list[tuple[str, str]]] = {}
    for h in held:
        for a in h.summary.alignments:
            if a.framework:
                by_framework.setdefault(a.framework.casefold(), []).append((a.name, a.code))
    skill_frameworks = {f for f, items in by_framework.items() if not _is_level_framework(items)}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    names: dict[str, str] = {}
    for h in held:
        level = _level(h, skill_frameworks)
        for a in h.summary.alignments:
            key_fw = a.framework.casefold()
            if key_fw not in skill_frameworks:
                continue
            names.setdefault(key_fw, a.framework)
            code = a.code or a.url or a.name
            row = rows.setdefault((key_fw, code.casefold()), {
                "framework": a.framework, "code": code, "name": a.name or code,
                "levels": {}, "unleveled": [], "pending": []})
            if h.standing.standing is Standing.PENDING:
                row["pending"].append(h.id)
            elif level is None:
                row["unleveled"].append(h.id)
            else:
                row["levels"].setdefault(level, []).append(h.id)
    frameworks = []
    for key_fw in sorted(skill_frameworks, key=lambda f: names.get(f, f)):
        mine = sorted((r for (fw, _), r in rows.items() if fw == key_fw), key=lambda r: r["code"].casefold())
        frameworks.append(SkillsFramework(name=names.get(key_fw, key_fw), rows=tuple(
            SkillRow(framework=r["framework"], code=r["code"], name=r["name"],
                     levels={k: tuple(v) for k, v in sorted(r["levels"].items())},
                     unleveled=tuple(r["unleveled"]), pending=tuple(r["pending"]))
            for r in mine)))
    return frameworks


# ---------------------------------------------------------------- credits per issuer


# Achievement types awarded for completing smaller credentials: their credits are the
# sum of those, so adding them to a running total would count the same study twice.
AWARD_TYPES = frozenset(
    t.casefold() for t in ("Certificate", "Diploma", "Degree", "AssociateDegree", "BachelorDegree",
                           "MasterDegree", "DoctoralDegree", "Certification", "GeneralEducationDevelopment")
)


@dataclass(frozen=True)
class IssuerCredits:
    issuer_id: str
    issuer_name: str
    unit: str  # "" when the credentials do not say
    total: float  # from credentials that count
    credentials: tuple[CredentialId, ...]
    pending_total: float = 0.0  # from credentials not checked yet
    pending: tuple[CredentialId, ...] = ()
    awards: tuple[CredentialId, ...] = ()  # certificates and degrees: shown, not added again
    note: str = INFERRED_NOTE


def credit_totals(held: Iterable[HeldCredential]) -> list[IssuerCredits]:
    """Running credit totals per issuer and unit.

    Credentials of an award type (a certificate, a degree) are listed but not added when
    the same issuer gave smaller credit-bearing credentials, whose credits they sum up.
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for h in held:
        s = h.summary
        credits = s.credits
        if credits is None or isinstance(credits, bool) or not math.isfinite(float(credits)) or credits <= 0:
            continue
        if h.standing.standing is Standing.NOT_COUNTED:
            continue
        key = (s.issuer_id or s.issuer_name, s.credits_unit.casefold())
        g = groups.setdefault(key, {"name": s.issuer_name or s.issuer_id, "unit": s.credits_unit,
                                    "earned": [], "pending": [], "awards": []})
        if s.achievement_type.casefold() in AWARD_TYPES:
            g["awards"].append(h)
        else:
            g["earned" if h.standing.standing is Standing.EARNED else "pending"].append(h)
    out = []
    for (issuer, _unit), g in sorted(groups.items(), key=lambda kv: kv[1]["name"].casefold()):
        if not g["earned"] and not g["pending"]:  # only awards: they are the credits
            for h in g.pop("awards"):
                g["earned" if h.standing.standing is Standing.EARNED else "pending"].append(h)
            g["awards"] = []
        out.append(IssuerCredits(
            issuer_id=issuer, issuer_name=g["name"], unit=g["unit"],
            total=sum((float(h.summary.credits) for h in g["earned"]), 0.0),
            credentials=tuple(h.id for h in g["earned"]),
            pending_total=sum((float(h.summary.credits) for h in g["pending"]), 0.0),
            pending=tuple(h.id for h in g["pending"]),
            awards=tuple(h.id for h in g["awards"]),
        ))
    return out


__all__ = [
    "INFERRED_NOTE",
    "IssuerCredits",
    "SkillRow",
    "SkillsFramework",
    "clr_definition",
    "clr_definitions",
    "clr_progress",
    "credit_totals",
    "skills",
]
