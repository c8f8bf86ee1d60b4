"""The Credentials page: search, sort, the list, the detail pane, and their actions.

The page owns the credential actions (add, paste, verify again, remove, trash); the
main window only places them in its menus and toolbar. Every core call runs through
``run_op``; the list follows the core's events through the bridge.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.bridge import WalletBridge
from ui.credentials.checking import Checker
from ui.credentials.delegate import TitleDelegate
from ui.credentials.detail import CredentialDetail
from ui.credentials.importing import FileOutcome, ImportController
from ui.credentials.model import Column, CredentialFilterProxy, CredentialListModel, CredentialRole
from ui.credentials.trash import TrashDialog
from ui.icons import icon
from ui.ops import run_op
from ui.trust.actions import CheckStatusAction
from ui.widgets.empty_state import EmptyState
from ui.widgets.error_box import show_error
from wallet.credential import Credential, Format
from wallet.verify.report import Report

log = logging.getLogger(__name__)

DEFAULT_REVERIFY_AFTER = timedelta(days=7)
DATE_WIDTH, STATUS_WIDTH = 105, 205  # the list's columns, at their natural width
MIN_TITLE_WIDTH, MIN_STATUS_WIDTH = 200, 44  # how far the title and the status may shrink

SORTS = (  # (label, column, order)
    ("Newest first", Column.DATE, Qt.SortOrder.DescendingOrder),
    ("Oldest first", Column.DATE, Qt.SortOrder.AscendingOrder),
    ("Issuer (A–Z)", Column.ISSUER, Qt.SortOrder.AscendingOrder),
    ("Type (A–Z)", Column.TYPE, Qt.SortOrder.AscendingOrder),
    ("Title (A–Z)", Column.TITLE, Qt.SortOrder.AscendingOrder),
    ("Title (Z–A)", Column.TITLE, Qt.SortOrder.DescendingOrder),
    ("Problems first", Column.STATUS, Qt.SortOrder.AscendingOrder),
    ("Verified first", Column.STATUS, Qt.SortOrder.DescendingOrder),
)  # every order a header click can give has its entry, so the box always tells the truth


def _action(parent: QWidget, text: str, icon_name: str, shortcut: Any, tip: str) -> QAction:
    action = QAction(icon(icon_name), text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.setToolTip(f"{text.replace('&', '').rstrip('.…')} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
                      if shortcut is not None else text.replace("&", ""))
    return action


def _reverify_setting(wallet: Any) -> timedelta:
    """How old a report may get before opening the wallet checks again (a setting)."""
    try:
        return timedelta(days=int(wallet.settings.reverify_after_days))
    except Exception:  # noqa: BLE001 - no settings in this build, or unreadable: the default
        return DEFAULT_REVERIFY_AFTER


def _stored_reports(wallet: Any, creds: list[Credential]) -> dict[str, Report]:
    """Every stored report in one read (asking per credential would decrypt each twice)."""
    from wallet.verify.report import report_from_json

    held = {c.id for c in creds}
    reports: dict[str, Report] = {}
    for cred_id, data in wallet.store.reports().items():
        if cred_id not in held:
            continue
        try:
            reports[cred_id] = report_from_json(data)
        except ValueError:  # an unreadable old report: the credential is checked again
            log.warning("stored report of %s is unreadable", cred_id[:12])
    return reports


class CredentialsPage(QWidget):
    """Everything about the credentials themselves."""

    status_message = Signal(str)  # a short note for the window's status bar
    count_changed = Signal(int)

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, bridge: WalletBridge | None = None,
                 reverify_after: timedelta | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.reverify_after = reverify_after or _reverify_setting(wallet)
        self.bridge = bridge or WalletBridge(wallet.events, self)
        self.model = CredentialListModel(self)
        self.proxy = CredentialFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.importer = ImportController(wallet, self)
        self.importer.finished.connect(self._imported)
        self.checker = Checker(wallet, self)
        self.loaded = False
        self._make_actions()
        self._build()
        self._connect_bridge()
        self._connect_checker()
        self.reload()

    # ------------------------------------------------------------------ building

    def _make_actions(self) -> None:
        self.add_files_action = _action(self, "&Add files…", "import-file", QKeySequence.StandardKey.Open,
                                        "Add credentials from files on this computer")
        self.add_folder_action = _action(self, "Add a &folder…", "import-folder", "Ctrl+Shift+O",
                                         "Add every credential found in a folder and its subfolders")
        self.paste_action = _action(self, "&Paste credential", "paste", QKeySequence.StandardKey.Paste,
                                    "Add a credential copied as text (JSON or a signed token)")
        self.verify_action = _action(self, "&Verify again", "verify", "Ctrl+R",
                                     "Check the selected credential again, on this computer")
        self.verify_all_action = _action(self, "Verify &all again", "verify", "Ctrl+Shift+R",
                                         "Check every credential in the wallet again, on this computer")
        self.remove_action = _action(self, "&Move to trash", "trash", QKeySequence.StandardKey.Delete,
                                     "Move the selected credential to the trash (you can restore it)")
        self.trash_action = _action(self, "&Trash…", "empty-trash", "Ctrl+Shift+T",
                                    "See removed credentials, restore them or empty the trash")
        self.find_action = _action(self, "&Find", "search", QKeySequence.StandardKey.Find, "Search your credentials")
        self.add_files_action.triggered.connect(self.importer.choose_files)
        self.add_folder_action.triggered.connect(self.importer.choose_folder)
        self.paste_action.triggered.connect(self.paste)
        self.verify_action.triggered.connect(self.verify_current)
        self.verify_all_action.triggered.connect(self.verify_all)
        self.remove_action.triggered.connect(self.trash_current)
        self.trash_action.triggered.connect(self.show_trash)
        self.find_action.triggered.connect(self._focus_search)
        # These act on the selected credential: only while this page is in front, so Delete
        # on another page can never trash a credential out of sight.
        for a in (self.verify_action, self.remove_action, self.find_action):
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(a)
        self._update_actions()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(self._top_bar())
        self.stack = QStackedWidget(self)
        self.empty_state = EmptyState(
            "Add your first credential",
            "Drop badge or credential files anywhere on this window, or choose them below. "
            "Open Badges (2.0 and 3.0, including baked PNG and SVG badges), Comprehensive Learner "
            "Records and W3C Verifiable Credentials (JSON or signed tokens) are all welcome. "
            "Everything stays on this computer, encrypted.",
            (self.add_files_action, self.add_folder_action, self.paste_action),
            parent=self,
        )
        self.stack.addWidget(self.empty_state)
        self.stack.addWidget(self._list_and_detail())
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.search, self.sort_box)
        self.setTabOrder(self.sort_box, self.view)
        self.setTabOrder(self.view, self.detail)

    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(10)
        self.heading = QLabel("Your credentials", self)
        self.heading.setProperty("role", "pageTitle")
        bar.addWidget(self.heading)
        bar.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search by title, issuer or skill")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName("Search credentials")
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(self._search_changed)
        bar.addWidget(self.search)
        sort_label = QLabel("Sort:", self)
        bar.addWidget(sort_label)
        self.sort_box = QComboBox(self)
        self.sort_box.setAccessibleName("Sort credentials by")
        for label, _col, _order in SORTS:
            self.sort_box.addItem(label)
        sort_label.setBuddy(self.sort_box)
        self.sort_box.currentIndexChanged.connect(self._sort_chosen)
        bar.addWidget(self.sort_box)
        return bar

    def _list_and_detail(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        left = QStackedWidget(splitter)
        self.view = QTreeView(left)
        self.view.setModel(self.proxy)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSortingEnabled(True)
        self.view.setIconSize(QSize(self.model.thumbnails.size, self.model.thumbnails.size))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAccessibleName("Credentials")
        self.view.setAllColumnsShowFocus(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in ((Column.ISSUER, 160), (Column.TYPE, 120), (Column.DATE, DATE_WIDTH),
                           (Column.STATUS, STATUS_WIDTH)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.view.viewport().installEventFilter(self)  # narrow list: the status gives way to the title
        header.setMinimumSectionSize(60)
        # Issuer and type are the title's second line (the delegate); their columns stay
        # sortable from the Sort box and the header stays short.
        self.view.setItemDelegateForColumn(Column.TITLE, TitleDelegate(self.view))
        self.view.hideColumn(Column.ISSUER)
        self.view.hideColumn(Column.TYPE)
        header.setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._header_sorted)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        left.addWidget(self.view)
        self.no_match = QLabel("", left)
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setWordWrap(True)
        self.no_match.setProperty("role", "muted")
        left.addWidget(self.no_match)
        self.list_stack = left
        self.detail = CredentialDetail(self.model.thumbnails, splitter)
        self.detail.verify_requested.connect(lambda cid: self.verify([cid]))
        self.detail.status_requested.connect(self.check_status)
        self._status_target = ""
        self._status_notes: dict[str, str] = {}  # what "Check status now" last said, per credential
        self.status_action = CheckStatusAction(self.wallet, self, ids=lambda: [self._status_target])
        self.status_action.message.connect(self._status_said)
        self.detail.open_requested.connect(self.select)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 460])
        return splitter

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._fit_columns(event.size().width())
        return super().eventFilter(watched, event)

    def _fit_columns(self, width: int) -> None:
        """Keep the title readable: in a narrow list the status column shrinks (its text
        is elided, its icon stays) before the title does."""
        room = width - DATE_WIDTH - MIN_TITLE_WIDTH
        self.view.header().resizeSection(Column.STATUS, max(MIN_STATUS_WIDTH, min(STATUS_WIDTH, room)))

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.credential_added.connect(self._added)
        b.credential_trashed.connect(self._trashed)
        b.credential_restored.connect(self._restored)
        b.verification_finished.connect(self._report_arrived)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Read the wallet (off the GUI thread: it decrypts every record)."""
        run_op(self, self._read_wallet).on_success(self._loaded)

    def _read_wallet(self) -> tuple[list[Credential], dict[str, Report]]:
        creds = self.wallet.credentials()
        return creds, _stored_reports(self.wallet, creds)

    def _loaded(self, result: tuple[list[Credential], dict[str, Report]]) -> None:
        creds, reports = result
        self.model.set_credentials(creds, reports)
        self.loaded = True
        self._apply_sort()
        self._refresh_state()
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        now = self.wallet.clock()
        stale = [c.id for c in creds if c.id not in reports or now - reports[c.id].checked_at > self.reverify_after]
        if stale:
            self.verify(stale)

    # ------------------------------------------------------------------ state

    def _refresh_state(self) -> None:
        n = self.model.rowCount()
        self.stack.setCurrentIndex(1 if n else 0)
        self.heading.setText(f"Your credentials ({n})" if n else "Your credentials")
        self.search.setEnabled(bool(n))
        self.sort_box.setEnabled(bool(n))
        if n and not self.proxy.rowCount():
            self.no_match.setText(f"No credential matches “{self.search.text().strip()}”.\n"
                                  "Try fewer words, or part of the issuer's name or a skill.")
            self.list_stack.setCurrentIndex(1)
        else:
            self.list_stack.setCurrentIndex(0)
        self.count_changed.emit(n)
        self._update_actions()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._update_actions()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._update_actions()

    def _update_actions(self) -> None:
        has = self.current() is not None and self.isVisible()
        self.verify_action.setEnabled(has and self.checker.available)
        self.verify_all_action.setEnabled(self.model.rowCount() > 0 and self.checker.available)
        self.remove_action.setEnabled(has)

    def current(self) -> Credential | None:
        index = self.view.currentIndex() if hasattr(self, "view") else QModelIndex()
        return index.data(CredentialRole) if index.isValid() else None

    def select(self, cred_id: str) -> bool:
        row = self.model.row_of(cred_id)
        if row is None:
            return False
        if self.search.text() and not self.proxy.mapFromSource(self.model.index(row, 0)).isValid():
            self.search.clear()
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        cred = current.data(CredentialRole) if current.isValid() else None
        if cred is None:
            self.detail.show_nothing()
            return
        self._show_detail(cred)

    def _show_detail(self, cred: Credential) -> None:
        parts = self.wallet.children(cred) if cred.format is Format.CLR2 else []
        part_of = None
        if cred.parent_id:
            row = self.model.row_of(cred.parent_id)
            part_of = self.model.credential_at(row) if row is not None else None
        self.detail.show_credential(cred, self.model.report_for(cred.id), parts=parts, part_of=part_of,
                                    checking=cred.id in self._verifying)
        self._show_status_check(cred)

    # ------------------------------------------------------------------ "Check status now"

    def check_status(self, cred_id: str) -> None:
        """Go online for one credential's status list and keys (off the GUI thread); the
        core checks it again afterwards and the new report arrives through the bridge."""
        if not self.status_action.isEnabled():
            return  # one check at a time
        self._status_target = cred_id
        self.status_action.trigger()

    def _status_said(self, text: str) -> None:
        self._status_notes[self._status_target] = text
        self.status_message.emit(text)
        cred = self.current()
        if cred is not None:
            self._show_status_check(cred)

    def _show_status_check(self, cred: Credential) -> None:
        busy = not self.status_action.isEnabled() and cred.id == self._status_target
        self.detail.verification.set_status_check(self.wallet.trust_data.needs_network(cred), busy=busy,
                                                  note=self._status_notes.get(cred.id, ""))

    # ------------------------------------------------------------------ search and sort

    def _search_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        self._refresh_state()
        if self.current() is None and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _sort_chosen(self, n: int) -> None:
        _label, column, order = SORTS[n]
        self.view.header().setSortIndicator(column, order)

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        self.proxy.sort(column, order)
        for n, (_label, col, o) in enumerate(SORTS):
            if col == column and o == order and self.sort_box.currentIndex() != n:
                self.sort_box.blockSignals(True)
                self.sort_box.setCurrentIndex(n)
                self.sort_box.blockSignals(False)

    def _apply_sort(self) -> None:
        header = self.view.header()
        self.proxy.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def sort_by(self, label: str) -> None:
        """Choose a sort by its label (as the combo box shows it)."""
        self.sort_box.setCurrentIndex([s[0] for s in SORTS].index(label))

    def visible_titles(self) -> list[str]:
        return [self.proxy.index(r, Column.TITLE).data() for r in range(self.proxy.rowCount())]

    # ------------------------------------------------------------------ import

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not self.importer.import_mime(mime):
            self.status_message.emit("The clipboard holds no credential to paste.")

    def import_paths(self, paths: list[Path]) -> None:
        self.importer.import_paths(paths)

    def _imported(self, outcomes: list[FileOutcome]) -> None:
        added = [c for o in outcomes for c in o.added]
        for cred in added:  # the event normally did this already; adding twice is harmless
            if cred.trashed_at is None:
                self.model.add(cred)
        self._refresh_state()
        if added:
            self.select(added[0].id)
            self.verify([c.id for c in added])
        n = len(added)
        self.status_message.emit(f"Added {n} credential{'s' if n != 1 else ''}." if n else "Nothing new was added.")

    # ------------------------------------------------------------------ verification

    def verify_current(self) -> None:
        cred = self.current()
        if cred is not None:
            self.verify([cred.id])

    def stop_work(self) -> None:
        """The window is closing: ask running checks and imports to stop at the next item."""
        self.checker.stop()
        self.importer.stop()

    def verify_all(self) -> None:
        ids = [c.id for c in self.model.credentials()]
        self.verify(ids)
        self.status_message.emit(f"Checking {len(ids)} credential{'s' if len(ids) != 1 else ''} again…")

    def verify(self, ids: list[str]) -> None:
        """Check credentials off the GUI thread; each result lands in the list as it comes."""
        self.checker.check(ids)

    @property
    def _verifying(self) -> set[str]:
        return self.checker.verifying

    def _connect_checker(self) -> None:
        c = self.checker
        c.started.connect(self._checking_started)
        c.report_ready.connect(self._checked)
        c.progressed.connect(lambda done, total: self.status_message.emit(
            f"Checking credentials on this computer… {done} of {total}" if done < total
            else f"Checked {total} credentials."))
        c.batch_finished.connect(self._batch_finished)
        c.failed.connect(lambda exc: show_error(self, exc))

    def _checking_started(self, ids: list[str]) -> None:
        for cred_id in ids:
            self.model.set_checking(cred_id)
        self._refresh_current_report()

    def _checked(self, cred_id: str, report: Any) -> None:
        if isinstance(report, Report):
            self.model.set_report(cred_id, report)
        else:
            self.model.set_checking(cred_id, False)
        cur = self.current()
        if cur is not None and cur.id == cred_id:
            self._refresh_current_report()

    def _batch_finished(self, _checked: int, failed: int) -> None:
        if failed:
            self.status_message.emit(f"{failed} credential{'s' if failed != 1 else ''} could not be checked; "
                                     "see the log for details.")

    def _report_arrived(self, cred_id: str, report: Any) -> None:
        if isinstance(report, Report):
            self.model.set_report(cred_id, report)
            cur = self.current()
            if cur is not None and cur.id == cred_id:
                self._refresh_current_report()

    def _refresh_current_report(self) -> None:
        cred = self.current()
        if cred is not None and self.detail.credential is not None and self.detail.credential.id == cred.id:
            self.detail.show_report(self.model.report_for(cred.id), checking=cred.id in self._verifying)

    # ------------------------------------------------------------------ trash

    def trash_current(self) -> None:
        cred = self.current()
        if cred is None:
            return
        run_op(self, lambda: self.wallet.trash(cred.id)).on_success(
            lambda c: self._after_trash(cred))

    def _after_trash(self, cred: Credential) -> None:
        self._trashed(cred.id)
        self.status_message.emit(f"“{cred.title}” was moved to the trash. You can restore it from Trash.")

    def show_trash(self) -> TrashDialog:
        dialog = TrashDialog(self.wallet, self)
        dialog.restored.connect(self._restored)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        self.trash_dialog = dialog
        return dialog

    # ------------------------------------------------------------------ core events

    def _added(self, cred: Credential) -> None:
        if self.loaded and cred.trashed_at is None:
            self.model.add(cred)
            self._refresh_state()

    def _trashed(self, cred_id: str) -> None:
        for child in [c for c in self.model.credentials() if c.parent_id == cred_id]:
            self.model.remove(child.id)
        self.model.remove(cred_id)
        self._refresh_state()

    def _restored(self, cred_id: str) -> None:
        if self.model.row_of(cred_id) is not None:
            return
        def read() -> list[Credential]:
            cred = self.wallet.get(cred_id)
            return [cred, *(c for c in self.wallet.children(cred) if c.trashed_at is None)]

        run_op(self, read).on_success(self._put_back)

    def _put_back(self, creds: list[Credential]) -> None:
        for cred in creds:
            self.model.add(cred)
        self._refresh_state()
        if creds:
            self.select(creds[0].id)
            self.status_message.emit(f"“{creds[0].title}” is back in your wallet.")
