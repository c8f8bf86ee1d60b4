"""The trash: credentials the learner removed, restorable until the trash is emptied."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.credentials.delegate import TitleDelegate
from ui.credentials.model import Column, CredentialListModel, IdRole
from ui.icons import icon
from ui.ops import run_op
from wallet.credential import Credential


class TrashDialog(QDialog):
    """Lists the trash; "Restore" puts a credential back, "Empty trash" deletes for good."""

    restored = Signal(str)  # credential id
    emptied = Signal(int)  # how many were deleted

    def __init__(self, wallet: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.setWindowTitle("Trash")
        self.setMinimumSize(720, 440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        intro = QLabel(
            "Credentials you removed stay here until you empty the trash. "
            "Restore one to put it back in your wallet.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = CredentialListModel(self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAccessibleName("Credentials in the trash")
        self.view.setAllColumnsShowFocus(True)
        self.view.setIconSize(QSize(32, 32))
        # As in the main list: the issuer and type are the title's second line.
        self.view.setItemDelegateForColumn(Column.TITLE, TitleDelegate(self.view))
        for column in (Column.ISSUER, Column.TYPE, Column.STATUS):
            self.view.hideColumn(column)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.DATE, 110)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.empty_label = QLabel("The trash is empty.", self)
        self.empty_label.setProperty("role", "muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)
        row = QHBoxLayout()
        self.restore_button = QPushButton("Restore", self)
        self.restore_button.setProperty("primary", True)
        self.restore_button.clicked.connect(self.restore_selected)
        self.empty_button = QPushButton(icon("empty-trash"), "Empty trash…", self)
        self.empty_button.clicked.connect(self.ask_empty)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        row.addWidget(self.restore_button)
        row.addWidget(self.empty_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        run_op(self, lambda: self.wallet.credentials(trashed=True)).on_success(self._show)

    def _show(self, creds: list[Credential]) -> None:
        self.model.set_credentials(creds)
        if creds:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def selected_ids(self) -> list[str]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.index(r, 0).data(IdRole) for r in sorted(rows)]

    def restore_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            run_op(self, lambda: [self.wallet.restore(i).id for i in ids]).on_success(self._restored)

    def _restored(self, ids: list[str]) -> None:
        for cred_id in ids:
            self.model.remove(cred_id)
            self.restored.emit(cred_id)

    def ask_empty(self) -> None:
        n = self.model.rowCount()
        if not n:
            return
        answer = QMessageBox.question(
            self, "Empty the trash",
            f"Delete the {n} credential{'s' if n != 1 else ''} in the trash for good? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.empty_now()

    def empty_now(self) -> None:
        run_op(self, self.wallet.empty_trash).on_success(self._emptied)

    def _emptied(self, n: int) -> None:
        self.model.set_credentials([])
        self.emptied.emit(n)

    def _update_buttons(self, *_: Any) -> None:
        has_rows = self.model.rowCount() > 0
        self.stack.setCurrentWidget(self.view if has_rows else self.empty_label)
        self.restore_button.setEnabled(bool(self.view.selectionModel().selectedRows()))
        self.empty_button.setEnabled(has_rows)
