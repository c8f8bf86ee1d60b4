"""Stack definitions: loading and checking the file format of
``shared/specs/stack-definition.md``.

A definition file is untrusted input: it may come from an institution, from a learner's
own editor or from a signed credential. Loading checks every rule and every match and,
when something is wrong, raises :class:`~wallet.errors.StackDefinitionError` with a
message naming the place in the file (``requirement.all[2].atLeast: 4 is more than its
3 children``), so the author can find and fix it.

The loaded definition is a tree of frozen rule records. Each rule keeps its ``path`` in
the file; progress reports and the UI use it as a stable key.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, NewType

from wallet.errors import StackDefinitionError

StackId = NewType("StackId", str)

MAX_DEPTH = 32
MAX_RULES = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024

_RULE_KEYS = ("all", "atLeast", "credits", "match")
_COMMON_KEYS = {"id", "label", "description"}
_ALLOWED = {
    "all": {"all", "distinct"},
    "atLeast": {"atLeast", "of"},
    "credits": {"credits", "unit", "from"},
    "match": {"match", "count"},
}
_MATCH_KEYS = {"achievementId", "achievementType", "issuer", "alignment", "tag", "minLevel", "name"}
_ALIGNMENT_KEYS = {"framework", "code", "url"}


@dataclass(frozen=True)
class AlignmentMatch:
    """``alignment`` in a match: the given fields must all equal one alignment's."""

    framework: str = ""
    code: str = ""
    url: str = ""


@dataclass(frozen=True)
class Match:
    """The conditions a credential must meet; empty fields are not checked."""

    achievement_id: str = ""
    achievement_type: str = ""
    issuer: str = ""
    alignment: AlignmentMatch | None = None
    tag: str = ""
    min_level: str = ""  # a name from the definition's levels
    name: str = ""

    @property
    def is_empty(self) -> bool:
        return self == Match()


@dataclass(frozen=True)
class Rule:
    """Common to every rule: where it sits in the file, its id and its label."""

    path: str
    id: str = ""
    label: str = ""
    description: str = ""

    @property
    def children(self) -> tuple["Rule", ...]:
        return ()


@dataclass(frozen=True)
class AllRule(Rule):
    rules: tuple[Rule, ...] = ()
    distinct: bool = False

    @property
    def children(self) -> tuple[Rule, ...]:
        return self.rules


@dataclass(frozen=True)
class AtLeastRule(Rule):
    n: int = 1
    rules: tuple[Rule, ...] = ()

    @property
    def children(self) -> tuple[Rule, ...]:
        return self.rules


@dataclass(frozen=True)
class CreditsRule(Rule):
    credits: float = 0.0
    unit: str = ""
    match: Match = field(default_factory=Match)


@dataclass(frozen=True)
class MatchRule(Rule):
    match: Match = field(default_factory=Match)
    count: int = 1


@dataclass(frozen=True)
class Publisher:
    id: str = ""
    name: str = ""


@dataclass(frozen=True)
class StackDefinition:
    """A loaded, checked stack definition. ``source`` is the JSON object it came from."""

    id: StackId
    name: str
    requirement: Rule
    version: str = ""
    description: str = ""
    publisher: Publisher | None = None
    levels: tuple[str, ...] = ()
    level_framework: str = ""
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    _ranks: dict[str, int] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ranks", {level.casefold(): i for i, level in enumerate(self.levels)})

    def level_rank(self, name: str) -> int | None:
        """The position of a level name in ``levels`` (case-insensitive), or None."""
        return self._ranks.get(name.strip().casefold())

    def rules(self) -> list[Rule]:
        """Every rule, parents before children (depth first)."""
        out: list[Rule] = []
        stack = [self.requirement]
        while stack:
            rule = stack.pop()
            out.append(rule)
            stack.extend(reversed(rule.children))
        return out


# ---------------------------------------------------------------- loading


def load_definition_bytes(data: bytes) -> StackDefinition:
    """Parse and check a definition file's bytes."""
    if len(data) > MAX_FILE_BYTES:
        raise StackDefinitionError(
            "This stack definition is too large to be a real one.", f"{len(data)} bytes > {MAX_FILE_BYTES}"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StackDefinitionError("This file is not a stack definition: it is not text.", str(exc)) from exc
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StackDefinitionError(
            f"This file is not valid JSON (line {exc.lineno}, column {exc.colno}).", str(exc)
        ) from exc
    except RecursionError as exc:
        raise StackDefinitionError("This stack definition is nested too deeply.", "json recursion") from exc
    return load_definition(obj)


def load_definition(obj: Any) -> StackDefinition:
    """Check a parsed definition object and build the rule tree."""
    if not isinstance(obj, dict):
        raise _error("", "a stack definition is a JSON object", f"got {type(obj).__name__}")
    kind = obj.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "StackDefinition" not in kinds:
        raise StackDefinitionError(
            'This file is not a stack definition: its "type" is not "StackDefinition".', f"type={kind!r}"
        )
    for name in ("id", "name"):
        _text(obj, name, "", required=True)
    if "requirement" not in obj:
        raise _error("requirement", "is missing; a definition needs one requirement", "")
    levels = _levels(obj)
    level_framework = _text(obj, "levelFramework", "")
    loader = _Loader(levels)
    requirement = loader.rule(obj["requirement"], "requirement", depth=0)
    return StackDefinition(
        id=StackId(obj["id"].strip()),
        name=obj["name"].strip(),
        requirement=requirement,
        version=str(obj.get("version", "") or ""),
        description=_text(obj, "description", ""),
        publisher=_publisher(obj.get("publisher")),
        levels=levels,
        level_framework=level_framework,
        source=obj,
    )


def _error(path: str, problem: str, detail: str) -> StackDefinitionError:
    where = path or "the definition"
    return StackDefinitionError(f"{where}: {problem}.", detail)


def _text(obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
    where = f"{path}.{key}" if path else key
    if key not in obj:
        if required:
            raise _error(where, "is missing", f"required field {key!r}")
        return ""
    value = obj[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise _error(where, "must be a non-empty text" if required else "must be text", f"got {value!r}")
    return value.strip()


def _levels(obj: dict[str, Any]) -> tuple[str, ...]:
    raw = obj.get("levels", [])
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise _error("levels", "must be a list of level names, lowest first", f"got {raw!r}")
    folded = [x.strip().casefold() for x in raw]
    if len(set(folded)) != len(folded):
        raise _error("levels", "names a level twice", f"{raw!r}")
    return tuple(x.strip() for x in raw)


def _publisher(raw: Any) -> Publisher | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return Publisher(id=raw)
    if not isinstance(raw, dict):
        raise _error("publisher", "must be an object with an id and a name", f"got {raw!r}")
    pid, name = raw.get("id", ""), raw.get("name", "")
    if not isinstance(pid, str) or not isinstance(name, str):
        raise _error("publisher", "id and name must be text", f"got {raw!r}")
    return Publisher(id=pid.strip(), name=name.strip())


class _Loader:
    """Walks the requirement tree, checking each rule; counts rules against a bound."""

    def __init__(self, levels: tuple[str, ...]) -> None:
        self.levels = levels
        self.count = 0
        self.ids: dict[str, str] = {}  # rule id -> where it was first used

    def rule(self, raw: Any, path: str, depth: int) -> Rule:
        if depth > MAX_DEPTH:
            raise _error(path, f"rules are nested more than {MAX_DEPTH} deep", "")
        self.count += 1
        if self.count > MAX_RULES:
            raise _error(path, f"the definition has more than {MAX_RULES} rules", "")
        if not isinstance(raw, dict):
            raise _error(path, "a rule must be a JSON object", f"got {raw!r}"[:200])
        kinds = [k for k in _RULE_KEYS if k in raw]
        if not kinds:
            raise _error(path, _no_rule(raw), f"keys: {', '.join(sorted(raw)) or 'none'}")
        if len(kinds) > 1:
            raise _error(path, f"mixes two rules ({' and '.join(kinds)}); put them in an \"all\"", "")
        kind = kinds[0]
        unknown = set(raw) - _ALLOWED[kind] - _COMMON_KEYS
        if unknown:
            raise _error(path, f"has a field I do not know: {sorted(unknown)[0]!r}", f"{kind} rule keys: {sorted(raw)}")
        rule_id = _text(raw, "id", path)
        if rule_id and rule_id in self.ids:
            raise _error(f"{path}.id", f'"{rule_id}" is already the id of {self.ids[rule_id]}; ids must differ', "")
        if rule_id:
            self.ids[rule_id] = path
        common = {
            "path": path,
            "id": rule_id,
            "label": _text(raw, "label", path),
            "description": _text(raw, "description", path),
        }
        return getattr(self, "_" + kind.lower())(raw, path, depth, common)

    def _children(self, raw: Any, path: str, depth: int) -> tuple[Rule, ...]:
        if not isinstance(raw, list):
            raise _error(path, "must be a list of rules", f"got {raw!r}"[:200])
        if not raw:
            raise _error(path, "is an empty list; give at least one rule", "")
        return tuple(self.rule(child, f"{path}[{i}]", depth + 1) for i, child in enumerate(raw))

    def _all(self, raw: dict[str, Any], path: str, depth: int, common: dict[str, str]) -> Rule:
        distinct = raw.get("distinct", False)
        if not isinstance(distinct, bool):
            raise _error(f"{path}.distinct", "must be true or false", f"got {distinct!r}")
        return AllRule(rules=self._children(raw["all"], f"{path}.all", depth), distinct=distinct, **common)

    def _atleast(self, raw: dict[str, Any], path: str, depth: int, common: dict[str, str]) -> Rule:
        n = _positive_int(raw["atLeast"], f"{path}.atLeast")
        if "of" not in raw:
            raise _error(f"{path}.of", 'is missing: "atLeast" needs a list of rules in "of"', "")
        rules = self._children(raw["of"], f"{path}.of", depth)
        if n > len(rules):
            word = "child" if len(rules) == 1 else "children"
            raise _error(f"{path}.atLeast", f"{n} is more than its {len(rules)} {word}", "")
        return AtLeastRule(n=n, rules=rules, **common)

    def _credits(self, raw: dict[str, Any], path: str, depth: int, common: dict[str, str]) -> Rule:
        value = raw["credits"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise _error(f"{path}.credits", "must be a number of credits above 0", f"got {value!r}")
        unit = _text(raw, "unit", path)
        if "from" not in raw:
            raise _error(f"{path}.from", 'is missing: a credits rule says in "from" which credentials count '
                         '({} for any credential)', "")
        match = self.match(raw["from"], f"{path}.from")
        return CreditsRule(credits=float(value), unit=unit, match=match, **common)

    def _match(self, raw: dict[str, Any], path: str, depth: int, common: dict[str, str]) -> Rule:
        count = _positive_int(raw.get("count", 1), f"{path}.count")
        match = self.match(raw["match"], f"{path}.match")
        if match.is_empty:
            raise _error(f"{path}.match", "is empty; say which credentials it matches", "")
        return MatchRule(match=match, count=count, **common)

    def match(self, raw: Any, path: str) -> Match:
        if not isinstance(raw, dict):
            raise _error(path, "a match must be a JSON object", f"got {raw!r}"[:200])
        unknown = set(raw) - _MATCH_KEYS
        if unknown:
            raise _error(
                f"{path}.{sorted(unknown)[0]}",
                "is not a match field I know (achievementId, achievementType, issuer, alignment, tag, minLevel, name)",
                "",
            )
        values = {key: _text(raw, key, path, required=True) for key in _MATCH_KEYS - {"alignment"} if key in raw}
        if "minLevel" in values:
            self._check_level(values["minLevel"], f"{path}.minLevel")
        alignment = self._alignment(raw["alignment"], f"{path}.alignment") if "alignment" in raw else None
        return Match(
            achievement_id=values.get("achievementId", ""),
            achievement_type=values.get("achievementType", ""),
            issuer=values.get("issuer", ""),
            alignment=alignment,
            tag=values.get("tag", ""),
            min_level=values.get("minLevel", ""),
            name=values.get("name", ""),
        )

    def _check_level(self, level: str, path: str) -> None:
        if not self.levels:
            raise _error(path, f'names the level "{level}" but the definition lists no "levels"', "")
        if level.casefold() not in {x.casefold() for x in self.levels}:
            known = ", ".join(self.levels)
            raise _error(path, f'"{level}" is not one of the levels ({known})', "")

    def _alignment(self, raw: Any, path: str) -> AlignmentMatch:
        if not isinstance(raw, dict):
            raise _error(path, "must be an object with framework, code and/or url", f"got {raw!r}"[:200])
        unknown = set(raw) - _ALIGNMENT_KEYS
        if unknown:
            raise _error(f"{path}.{sorted(unknown)[0]}", "is not an alignment field I know (framework, code, url)", "")
        if not raw:
            raise _error(path, "is empty; give a framework, a code or a url", "")
        values = {key: _text(raw, key, path, required=True) for key in raw}
        return AlignmentMatch(**values)


def _no_rule(raw: dict[str, Any]) -> str:
    """Why an object is not a rule, naming the key that was meant to be one."""
    known = 'a rule has one of "all", "atLeast", "credits" or "match"'
    unknown = sorted(set(raw) - _COMMON_KEYS)
    if not unknown:
        return f"has no rule: {known}"
    names = " and ".join(f'"{k}"' for k in unknown[:3])
    return f"{names} {'is not a rule' if len(unknown) == 1 else 'are not rules'} I know; {known}"


def _positive_int(value: Any, path: str) -> int:
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < 1:
        raise _error(path, "must be a whole number of 1 or more", f"got {value!r}")
    return int(value)
