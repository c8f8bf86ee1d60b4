"""The credential list as a Qt model, and the proxy that searches and sorts it.

The model holds core records (:class:`~wallet.credential.Credential`) and their latest
verification :class:`~wallet.verify.report.Report`; each (role, column) maps to one
small extractor, so ``data()`` stays a lookup. What a credential *is* comes from the
core; this module only decides how it reads in a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ui.credentials.facts import plain_words
from ui.credentials.thumbnails import ThumbnailCache
from ui.widgets.status_badge import CHECKING, StatusLook, look_for
from wallet.credential import Credential
from wallet.verify.report import Report, Status

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TITLE = 0
    ISSUER = 1
    TYPE = 2
    DATE = 3
    STATUS = 4


HEADERS = {
    Column.TITLE: "Credential",
    Column.ISSUER: "Issuer",
    Column.TYPE: "Type",
    Column.DATE: "Date",
    Column.STATUS: "Status",
}

CredentialRole = Qt.ItemDataRole.UserRole + 1  # the Credential record
SortRole = Qt.ItemDataRole.UserRole + 2  # a key that sorts as the learner expects
SearchRole = Qt.ItemDataRole.UserRole + 3  # the text the search box looks in
ReportRole = Qt.ItemDataRole.UserRole + 4  # the latest Report, or None
IdRole = Qt.ItemDataRole.UserRole + 5  # the credential id (str)
SubtitleRole = Qt.ItemDataRole.UserRole + 6  # issuer and type, the list's second line

_STATUS_RANK = {Status.NOT_VERIFIED: 0, Status.OFFLINE: 1, Status.WARNINGS: 2, Status.VERIFIED: 3}


def date_of(cred: Credential) -> datetime | None:
    s = cred.summary
    return s.issued or s.valid_from


def short_date(when: datetime | None) -> str:
    return f"{when.day} {when:%b %Y}" if when else ""


def type_of(cred: Credential) -> str:
    return plain_words(cred.summary.achievement_type) or cred.format.label


def search_text(cred: Credential) -> str:
    """Title, issuer and skills (plus achievement, type and tags), folded for search."""
    s = cred.summary
    parts = [s.title, s.issuer_name, s.achievement_name, s.achievement_type, type_of(cred), *s.tags]
    for a in s.alignments:
        parts.extend((a.name, a.code, a.framework))
    return " ".join(p for p in parts if p).casefold()


class _Row:
    """What the model knows about one credential (mutable only inside the model)."""

    __slots__ = ("cred", "report", "checking", "search")

    def __init__(self, cred: Credential, report: Report | None) -> None:
        self.cred = cred
        self.report = report
        self.checking = False
        self.search = search_text(cred)  # once: every keystroke in the search box reads it

    @property
    def look(self) -> StatusLook:
        return CHECKING if self.checking and self.report is None else look_for(self.report)


Extractor = Callable[["CredentialListModel", _Row], Any]
SortKey = Callable[[_Row], Any]


def _date_key(r: _Row) -> str:
    when = date_of(r.cred)
    return when.isoformat() if when else ""


def _status_key(r: _Row) -> int:
    return -1 if r.report is None else _STATUS_RANK.get(r.report.status, -1)


SORT_KEYS: dict[Column, SortKey] = {
    Column.TITLE: lambda r: ((r.cred.summary.title or "").casefold(), r.cred.id),
    Column.ISSUER: lambda r: ((r.cred.summary.issuer_name or r.cred.summary.issuer_id).casefold(), _date_key(r)),
    Column.TYPE: lambda r: (type_of(r.cred).casefold(), _date_key(r)),
    Column.DATE: lambda r: (_date_key(r), r.cred.summary.title or ""),
    Column.STATUS: lambda r: (_status_key(r), _date_key(r)),
}


def _display_date(_m: "CredentialListModel", r: _Row) -> str:
    return short_date(date_of(r.cred))


def _status_ink(r: _Row) -> QColor | None:
    """The status colour on a light list; on a dark or high-contrast one, the theme's own."""
    if QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128:
        return None
    return QColor(r.look.ink)


def _tooltip(_m: "CredentialListModel", r: _Row) -> str:
    s = r.cred.summary
    lines = [s.title, f"Issued by {s.issuer_name or s.issuer_id}" if (s.issuer_name or s.issuer_id) else ""]
    lines.append(r.report.summary if r.report else r.look.label)
    return "\n".join(x for x in lines if x)


def _accessible(_m: "CredentialListModel", r: _Row) -> str:
    s = r.cred.summary
    return f"{s.title}, from {s.issuer_name or 'an unnamed issuer'}, {r.look.label}"


_PER_COLUMN: dict[tuple[int, Column], Extractor] = {
    (Qt.ItemDataRole.DisplayRole, Column.TITLE): lambda m, r: r.cred.summary.title or "Untitled credential",
    (Qt.ItemDataRole.DisplayRole, Column.ISSUER): lambda m, r: r.cred.summary.issuer_name or r.cred.summary.issuer_id,
    (Qt.ItemDataRole.DisplayRole, Column.TYPE): lambda m, r: type_of(r.cred),
    (Qt.ItemDataRole.DisplayRole, Column.DATE): _display_date,
    (Qt.ItemDataRole.DisplayRole, Column.STATUS): lambda m, r: r.look.label,
    (Qt.ItemDataRole.DecorationRole, Column.TITLE): lambda m, r: m.thumbnails.icon_for(r.cred),
    (Qt.ItemDataRole.DecorationRole, Column.STATUS): lambda m, r: r.look.icon.pixmap(16, 16),
    (Qt.ItemDataRole.ForegroundRole, Column.STATUS): lambda m, r: _status_ink(r),
    (SubtitleRole, Column.TITLE): lambda m, r: " · ".join(
        x for x in (r.cred.summary.issuer_name or r.cred.summary.issuer_id, type_of(r.cred)) if x),
    **{(SortRole, col): (lambda m, r, k=key: str(k(r))) for col, key in SORT_KEYS.items()},
}

_ANY_COLUMN: dict[int, Extractor] = {
    CredentialRole: lambda m, r: r.cred,
    IdRole: lambda m, r: str(r.cred.id),
    ReportRole: lambda m, r: r.report,
    SearchRole: lambda m, r: r.search,
    Qt.ItemDataRole.ToolTipRole: _tooltip,
    Qt.ItemDataRole.AccessibleTextRole: _accessible,
}


class CredentialListModel(QAbstractTableModel):
    """One row per credential; columns in :class:`Column`."""

    def __init__(self, parent: QObject | None = None, *, thumbnails: ThumbnailCache | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails or ThumbnailCache()
        self._rows: list[_Row] = []
        self._index: dict[str, int] = {}  # id -> row, so updates stay cheap with 10,000 rows
        self._sort: tuple[Column, Qt.SortOrder] | None = None

    # -- Qt API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        extract = _PER_COLUMN.get((role, Column(index.column()))) or _ANY_COLUMN.get(role)
        return extract(self, self._rows[index.row()]) if extract else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.InitialSortOrderRole:  # a first click on Date: newest first
            return Qt.SortOrder.DescendingOrder if section == Column.DATE else Qt.SortOrder.AscendingOrder
        return None

    # -- sorting: done here, in one C-speed sort over cached keys; the proxy only filters

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in SORT_KEYS:
            return
        self._sort = (Column(column), order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._rows[i.row()].cred.id, i.column()) for i in persistent]
        self._rows.sort(key=SORT_KEYS[Column(column)], reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.changePersistentIndexList(persistent, [self.index(self._index[cid], col) for cid, col in held])
        self.layoutChanged.emit()

    def _insert_position(self, row: _Row) -> int:
        """Where a new row goes so the current sort still holds (binary search)."""
        if self._sort is None:
            return len(self._rows)
        column, order = self._sort
        key = SORT_KEYS[column]
        new = key(row)
        descending = order == Qt.SortOrder.DescendingOrder
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            here = key(self._rows[mid])
            if (here >= new) if descending else (here <= new):
                lo = mid + 1
            else:
                hi = mid
        return lo

    # -- updates from the page

    def set_credentials(self, creds: Iterable[Credential], reports: dict[str, Report] | None = None) -> None:
        reports = reports or {}
        self.beginResetModel()
        self._rows = [_Row(c, reports.get(c.id)) for c in creds]
        if self._sort is not None:
            column, order = self._sort
            self._rows.sort(key=SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.endResetModel()

    def add(self, cred: Credential, report: Report | None = None) -> None:
        """Add a credential, or refresh it if the model already has it."""
        row = self.row_of(cred.id)
        if row is not None:
            self._rows[row] = _Row(cred, self._rows[row].report)
            self._changed(row)
            return
        new = _Row(cred, report)
        at = self._insert_position(new)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, new)
        self._reindex()
        self.endInsertRows()

    def remove(self, cred_id: str) -> None:
        row = self.row_of(cred_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._reindex()
        self.endRemoveRows()
        self.thumbnails.forget(cred_id)

    def set_report(self, cred_id: str, report: Report | None) -> None:
        row = self.row_of(cred_id)
        if row is not None:
            self._rows[row].report = report
            self._rows[row].checking = False
            self._changed(row)

    def set_checking(self, cred_id: str, checking: bool = True) -> None:
        row = self.row_of(cred_id)
        if row is not None:
            self._rows[row].checking = checking
            self._changed(row)

    # -- reading

    def credential_at(self, row: int) -> Credential:
        return self._rows[row].cred

    def report_for(self, cred_id: str) -> Report | None:
        row = self.row_of(cred_id)
        return None if row is None else self._rows[row].report

    def search_text_at(self, row: int) -> str:
        return self._rows[row].search

    def credentials(self) -> list[Credential]:
        return [r.cred for r in self._rows]

    def row_of(self, cred_id: str) -> int | None:
        return self._index.get(cred_id)

    def _reindex(self) -> None:
        self._index = {r.cred.id: n for n, r in enumerate(self._rows)}

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))


class CredentialFilterProxy(QSortFilterProxyModel):
    """Search: every word must appear, in any order, case-insensitive."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self.setSortRole(SortRole)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the source model's (fast, on cached keys); this proxy keeps its order."""
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)

    def set_query(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9
            self.beginFilterChange()
            self._words = words
            self.endFilterChange()
        else:
            self._words = words
            self.invalidateRowsFilter()

    def query(self) -> str:
        return " ".join(self._words)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        if isinstance(model, CredentialListModel):  # straight to the cached text: no Qt call
            text = model.search_text_at(source_row)
        else:
            text = model.data(model.index(source_row, 0, source_parent), SearchRole) or ""
        return all(w in text for w in self._words)
