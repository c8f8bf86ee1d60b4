"""The credentials a learner can pick for a bundle: a checkable list model.

Rows are :class:`~wallet.credential.Credential` records; the check state is the
selection, kept in the order the learner ticked them (the order they go into the
bundle). No business logic here: the Share page asks the core for warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from wallet.credential import Credential

Index = QModelIndex | QPersistentModelIndex


def _subtitle(cred: Credential) -> str:
    s = cred.summary
    issued = f" · {s.issued.day} {s.issued:%B %Y}" if s.issued else ""
    return f"{s.issuer_name or s.issuer_id or 'Issuer not named'}{issued}"


class CredentialChoiceModel(QAbstractListModel):
    """Checkable credentials; ``chosen()`` is the selection in ticking order."""

    CredentialRole = Qt.ItemDataRole.UserRole + 1
    SubtitleRole = Qt.ItemDataRole.UserRole + 2
    selection_changed = Signal()

    _ROLES: dict[int, Callable[[Credential], Any]] = {
        Qt.ItemDataRole.DisplayRole: lambda c: f"{c.title or 'Untitled credential'}\n{_subtitle(c)}",
        Qt.ItemDataRole.ToolTipRole: lambda c: f"{c.title}\n{_subtitle(c)}\n{c.format.label}",
        CredentialRole: lambda c: c,
        SubtitleRole: _subtitle,
    }

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Credential] = []
        self._chosen: list[str] = []

    def set_credentials(self, creds: Sequence[Credential]) -> None:
        self.beginResetModel()
        self._rows = list(creds)
        present = {c.id for c in self._rows}
        self._chosen = [i for i in self._chosen if i in present]
        self.endResetModel()
        self.selection_changed.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cred = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if cred.id in self._chosen else Qt.CheckState.Unchecked
        extract = self._ROLES.get(role)
        return extract(cred) if extract else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self._set(self._rows[index.row()].id, on)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()
        return True

    def _set(self, cred_id: str, on: bool) -> None:
        self._chosen = [i for i in self._chosen if i != cred_id] + ([cred_id] if on else [])

    def choose(self, ids: Sequence[str], on: bool = True) -> None:
        """Tick (or untick) several at once: a whole stack."""
        for cred_id in ids:
            self._set(cred_id, on)
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [Qt.ItemDataRole.CheckStateRole])
        self.selection_changed.emit()

    def chosen(self) -> list[str]:
        return list(self._chosen)

    def row_of(self, cred_id: str) -> int:
        return next((i for i, c in enumerate(self._rows) if c.id == cred_id), -1)
