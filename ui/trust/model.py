"""The Trust page's list as a Qt model: registries, trusted issuers and saved documents.

Rows are :class:`~wallet.trustdata.TrustItem` records from the core; each column maps
to one small extractor, so ``data()`` stays a lookup. Ages are measured against the
clock passed in, so a test sees the same words every time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from wallet.trust import age_words
from wallet.trustdata import TrustItem

Index = QModelIndex | QPersistentModelIndex
ItemRole = Qt.ItemDataRole.UserRole + 1  # the TrustItem


class Column(IntEnum):
    WHAT = 0
    NAME = 1
    DETAIL = 2
    AGE = 3
    SOURCE = 4


HEADERS = {Column.WHAT: "What", Column.NAME: "Name", Column.DETAIL: "Details", Column.AGE: "Saved", Column.SOURCE: "From"}


def _source_words(source: str) -> str:
    if source == "network":
        return "Downloaded"
    if source == "file":
        return "A file you added"
    if source == "you":
        return "You"
    return source[:1].upper() + source[1:] if source else ""


class TrustModel(QAbstractTableModel):
    """A read-only table of trust items."""

    def __init__(self, clock: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._items: list[TrustItem] = []
        self._display: dict[Column, Callable[[TrustItem], str]] = {
            Column.WHAT: lambda i: i.kind_label,
            Column.NAME: lambda i: i.title,
            Column.DETAIL: lambda i: i.detail,
            Column.AGE: lambda i: age_words(i.when, self._clock()) if i.when else "",
            Column.SOURCE: lambda i: _source_words(i.source),
        }

    def set_items(self, items: list[TrustItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> TrustItem:
        return self._items[row]

    def items(self) -> list[TrustItem]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[column](item)
        if role == Qt.ItemDataRole.ToolTipRole:
            when = item.when.astimezone().strftime("%d %B %Y, %H:%M") if item.when else ""
            return f"{item.kind_label}: {item.key}" + (f"\nSaved {when}" if when else "")
        if role == ItemRole:
            return item
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(Column):
            return HEADERS[Column(section)]
        return None
