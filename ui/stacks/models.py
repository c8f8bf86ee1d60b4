"""Qt models over stack progress records: the cards, the requirement tree, the skills grid.

Each model holds core records (:class:`~wallet.stacks.progress.StackProgress`,
:class:`~wallet.stacks.progress.RuleProgress`, :class:`~wallet.stacks.derived.SkillsFramework`)
and maps (role, column) to a small extractor. What counts and why is decided in the
core; these only decide how it reads.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QAbstractTableModel, QModelIndex, QObject, \
    QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from ui.icons import icon
from wallet.stacks.derived import SkillsFramework
from wallet.stacks.progress import RuleProgress, StackProgress
from wallet.stacks.words import of_amount

Index = QModelIndex | QPersistentModelIndex

FractionRole = Qt.ItemDataRole.UserRole + 1  # float 0..1
MetRole = Qt.ItemDataRole.UserRole + 2  # bool
SubtitleRole = Qt.ItemDataRole.UserRole + 3  # str: publisher or "Inferred"
StackIdRole = Qt.ItemDataRole.UserRole + 4  # str
CredentialIdRole = Qt.ItemDataRole.UserRole + 5  # str, on credential rows of the tree
KindRole = Qt.ItemDataRole.UserRole + 6  # "rule", "counts", "pending", "not-counted"


def percent(fraction: float) -> str:
    return f"{int(fraction * 100)}%"  # floor: 99.9% never reads as done


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class StackCard:
    """One stack as its card shows it."""

    progress: StackProgress
    publisher: str = ""

    @property
    def subtitle(self) -> str:
        if self.progress.inferred:
            return "Inferred from your credentials"
        return f"Published by {self.publisher}" if self.publisher else "Added by you"

    @property
    def next_step(self) -> str:
        if self.progress.met:
            return "Complete"
        return self.progress.next_steps[0] if self.progress.next_steps else ""


class StackListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: list[StackCard] = []

    def set_cards(self, cards: list[StackCard]) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self.endResetModel()

    def card(self, row: int) -> StackCard:
        return self._cards[row]

    def row_of(self, stack_id: str) -> int:
        return next((i for i, c in enumerate(self._cards) if c.progress.stack_id == stack_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards) or index.column() != 0:
            return None
        card = self._cards[index.row()]
        p = card.progress
        if role == Qt.ItemDataRole.DisplayRole:
            return p.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.name}: {percent(p.fraction)}" + (f". Next: {card.next_step}" if not p.met else ". Complete.")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{p.name}, {percent(p.fraction)} done"
        return {FractionRole: p.fraction, MetRole: p.met, SubtitleRole: card.subtitle,
                StackIdRole: p.stack_id}.get(role)


# ---------------------------------------------------------------- requirement tree


@dataclass(eq=False)
class _Item:
    kind: str  # "rule", "counts", "pending", "not-counted"
    rule: RuleProgress | None = None
    cred_id: str = ""
    title: str = ""
    reason: str = ""
    parent: "_Item | None" = None
    children: list["_Item"] = field(default_factory=list)
    row: int = 0


_COLUMNS = ("Requirement", "Progress", "Status")
_STATUS_TEXT = {"counts": "Counts", "pending": "Pending", "not-counted": "Does not count"}
_STATUS_ICON = {"counts": "status-verified", "pending": "status-offline", "not-counted": "status-not-verified"}


def _rule_progress_text(rule: RuleProgress) -> str:
    if rule.kind == "credits":
        return of_amount(rule.done, rule.needed, rule.unit)
    if rule.kind == "match":
        return f"{int(rule.done)} of {int(rule.needed)}"
    return percent(rule.fraction)


def _short_reason(reason: str) -> str:
    """ "It expired on 1 June 2025, so it does not count." -> "Expired on 1 June 2025";
    "It could not be checked offline (why); it will count ..." -> "Could not be checked offline".
    The whole sentence is the row's tooltip and is listed under the tree."""
    text = re.split(r", so | \(|; ", reason, maxsplit=1)[0].rstrip(".")
    if text.startswith("It "):
        text = text[3:4].upper() + text[4:]
    return text


class RequirementTreeModel(QAbstractItemModel):
    """The requirement tree of one stack; under each rule, the credentials that fit it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Item("root")
        self._icons: dict[str, QIcon] = {}

    def set_progress(self, progress: StackProgress | None) -> None:
        self.beginResetModel()
        self._root = _Item("root")
        if progress is not None:
            self._root.children = [self._build(progress, progress.root, self._root, 0)]
        self.endResetModel()

    def _build(self, p: StackProgress, rule: RuleProgress, parent: _Item, row: int) -> _Item:
        item = _Item("rule", rule=rule, title=rule.title, parent=parent, row=row)
        kids: list[_Item] = [self._build(p, child, item, i) for i, child in enumerate(rule.children)]
        creds = [("counts", c) for c in (rule.counting if not rule.children else ())]
        creds += [("pending", c) for c in rule.pending] + [("not-counted", c) for c in rule.not_counted]
        for kind, cred_id in creds:
            held = p.held.get(cred_id)  # type: ignore[call-overload]
            title = held.title if held else cred_id[:12]
            reason = held.standing.reason if held and kind != "counts" else ""
            kids.append(_Item(kind, cred_id=cred_id, title=title, reason=reason, parent=item, row=len(kids)))
        item.children = kids
        return item

    def _item(self, index: Index) -> _Item:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[return-value]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._item(parent).children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        up = self._item(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 3:
            return _COLUMNS[section]
        return None

    def _icon(self, name: str) -> QIcon:
        if name not in self._icons:
            self._icons[name] = icon(name)
        return self._icons[name]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._item(index), index.column()
        if item.kind == "rule":
            return self._rule_data(item.rule, column, role)  # type: ignore[arg-type]
        return self._credential_data(item, column, role)

    def _rule_data(self, rule: RuleProgress, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (rule.title, _rule_progress_text(rule), "Met" if rule.met else "Not yet")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return rule.missing or "This requirement is met."
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon("status-verified" if rule.met else "status-unchecked")
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return f"{rule.title}: {'met' if rule.met else 'not yet met'}, {percent(rule.fraction)}"
        return {FractionRole: rule.fraction, MetRole: rule.met, KindRole: "rule"}.get(role)

    def _credential_data(self, item: _Item, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.title, _short_reason(item.reason), _STATUS_TEXT[item.kind])[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason or "Double-click to open this credential."
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon(_STATUS_ICON[item.kind])
        if role == Qt.ItemDataRole.ForegroundRole and item.kind != "counts":
            return QBrush(QColor("#8a5a00" if item.kind == "pending" else "#a4262c"))
        return {CredentialIdRole: item.cred_id, KindRole: item.kind}.get(role)


# ---------------------------------------------------------------- skills grid


class SkillsModel(QAbstractTableModel):
    """One framework as a grid: a row per competency, a column per level."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._framework: SkillsFramework | None = None
        self._levels: tuple[str, ...] = ()

    def set_framework(self, framework: SkillsFramework | None) -> None:
        self.beginResetModel()
        self._framework = framework
        # a framework whose alignments name no level (a course catalogue) shows no level columns
        self._levels = framework.level_names if framework and any(r.levels for r in framework.rows) else ()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() or self._framework is None else len(self._framework.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() or self._framework is None else len(self._levels) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if self._framework is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            names = ("Competency", *self._levels, "Highest" if self._levels else "Held")
            return names[section] if 0 <= section < len(names) else None
        return section + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._framework is None or not index.isValid() or not 0 <= index.row() < len(self._framework.rows):
            return None
        row = self._framework.rows[index.row()]
        column, levels = index.column(), len(self._levels)
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.name} ({row.code}) in {row.framework}"
            return None
        if column == levels + 1:
            if role == CredentialIdRole:
                held_any = [c for rank in sorted(row.levels, reverse=True) for c in row.levels[rank]]
                return (held_any or list(row.unleveled) or [None])[0]
            return row.highest_name if role == Qt.ItemDataRole.DisplayRole else None
        rank = column - 1
        held = row.levels.get(rank, ())
        reached = row.highest is not None and rank <= row.highest
        if role == Qt.ItemDataRole.DisplayRole:
            return ("\u2713" + (f" \u00d7{len(held)}" if len(held) > 1 else "")) if held else ("\u00b7" if reached else "")
        if role == Qt.ItemDataRole.BackgroundRole and reached:
            return QBrush(QColor("#d6eedd" if held else "#eef7f0"))
        if role == Qt.ItemDataRole.ToolTipRole:
            name = self._levels[rank]
            if held:
                return f"{name}: {len(held)} credential{'s' if len(held) > 1 else ''}"
            return f"{name}: covered by a higher level" if reached else f"{name}: not yet"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == CredentialIdRole and held:
            return held[0]
        return None
