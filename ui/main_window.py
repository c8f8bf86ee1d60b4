"""The main window: a sidebar of pages, menus, a toolbar, and drops anywhere.

Pages are listed in ``PAGES``: to add one, add one line. A page class is built as
``Page(wallet, parent)`` (or with ``bridge=`` when its constructor takes it). A page
whose module is not in this build is simply not shown; a page that fails to build is
replaced by a short notice, so one broken page never keeps the learner out of the rest.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.backup.dialogs import add_backup_actions
from ui.bridge import WalletBridge
from ui.credentials.importing import accepts_mime, paths_from_mime
from ui.credentials.page import CredentialsPage
from ui.icons import app_icon, icon
from ui.widgets.clipboard import app_clipboard
from ui.widgets.error_box import DetailsDisclosure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageSpec:
    title: str  # as the sidebar shows it
    icon: str  # resources/icons/<icon>.svg
    module: str
    class_name: str


# The pages, in sidebar order. One line per page.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("Credentials", "credentials", "ui.credentials.page", "CredentialsPage"),
    PageSpec("Stacks", "stacks", "ui.stacks", "StacksPage"),
    PageSpec("Share", "share", "ui.share", "SharePage"),
    PageSpec("Check a bundle", "check-bundle", "ui.share", "CheckBundlePage"),
    PageSpec("Trust", "trust", "ui.trust", "TrustPage"),
)


def _load_class(spec: PageSpec) -> type | None:
    """The page class, or None when its module is not part of this build (yet)."""
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name and spec.module.startswith(exc.name):
            return None
        raise
    return getattr(module, spec.class_name, None)


class PageFailed(QWidget):
    """Stands in for a page that could not be built."""

    def __init__(self, title: str, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import traceback

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        heading = QLabel(f"{title} could not be opened", self)
        heading.setProperty("role", "pageTitle")
        layout.addWidget(heading)
        text = QLabel("The rest of the wallet works as usual, and nothing was lost.", self)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addWidget(DetailsDisclosure("".join(traceback.format_exception(exc)), self))
        layout.addStretch(1)


class MainWindow(QMainWindow):
    """The shell around the pages. ``wallet`` is an open :class:`wallet.service.Wallet`."""

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, pages: tuple[PageSpec, ...] = PAGES) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.bridge = WalletBridge(wallet.events, self)
        self.clipboard = app_clipboard()
        self.setWindowTitle("Learner Wallet")
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)
        self.setMinimumSize(860, 560)
        self.setAcceptDrops(True)
        self.pages: dict[str, QWidget] = {}
        self._build(pages)
        self._make_menus()
        self._make_toolbar()
        self.statusBar().showMessage(f"Wallet folder: {wallet.home}", 8000)
        self.credentials.view.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ pages

    def _build(self, specs: tuple[PageSpec, ...]) -> None:
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.sidebar = QListWidget(central)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(180)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setAccessibleName("Sections")
        self.stack = QStackedWidget(central)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for spec in specs:
            page = self._make_page(spec)
            if page is None:
                continue
            self.pages[spec.title] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(icon(spec.icon), spec.title)
            item.setSizeHint(QSize(0, 40))
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setCurrentRow(0)
        self.credentials: CredentialsPage = self.pages["Credentials"]  # type: ignore[assignment]
        self.credentials.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        # an import started from anywhere (menu, shortcut, drop) shows where the credentials land
        self.credentials.importer.busy_changed.connect(
            lambda busy: self.show_page("Credentials") if busy else None)
        stacks, share = self.pages.get("Stacks"), self.pages.get("Share")
        if hasattr(stacks, "credential_activated"):
            stacks.credential_activated.connect(self.open_credential)
            stacks.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if hasattr(stacks, "share_requested") and hasattr(share, "model"):
            stacks.share_requested.connect(self.share_credentials)
        for page in (share, self.pages.get("Check a bundle")):
            if hasattr(page, "status_message"):
                page.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def open_credential(self, cred_id: str) -> None:
        """Show one credential in the Credentials page (asked for by another page)."""
        self.show_page("Credentials")
        self.credentials.select(cred_id)

    def share_credentials(self, ids: list[str]) -> None:
        """Open the Share page with these credentials chosen (a whole stack)."""
        page = self.show_page("Share")
        page.model.choose(ids)  # type: ignore[attr-defined]

    def _make_page(self, spec: PageSpec) -> QWidget | None:
        try:
            cls = _load_class(spec)
            if cls is None:
                return None
            kwargs = {"bridge": self.bridge} if "bridge" in inspect.signature(cls).parameters else {}
            page = cls(self.wallet, self, **kwargs)
            if not isinstance(page, QWidget):
                raise TypeError(f"{spec.module}.{spec.class_name} is not a widget")
            return page
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            if spec.title == "Credentials":
                raise
            log.exception("page %s failed to build", spec.title)
            return PageFailed(spec.title, exc, self)

    def show_page(self, title: str) -> QWidget:
        page = self.pages[title]
        self.sidebar.setCurrentRow(self.stack.indexOf(page))
        return page

    # ------------------------------------------------------------------ menus and toolbar

    def _make_menus(self) -> None:
        c = self.credentials
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([c.add_files_action, c.add_folder_action, c.paste_action])
        file_menu.addSeparator()
        add_backup_actions(self, file_menu)  # Export backup…, Restore from backup…
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        cred_menu = bar.addMenu("&Credential")
        cred_menu.addActions([c.verify_action, c.verify_all_action, c.remove_action])
        cred_menu.addSeparator()
        cred_menu.addActions([c.find_action, c.trash_action])
        view_menu = bar.addMenu("&View")
        for n in range(self.sidebar.count()):
            go = QAction(self.sidebar.item(n).text(), self)
            go.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            go.triggered.connect(lambda _=False, row=n: self.sidebar.setCurrentRow(row))
            view_menu.addAction(go)
            self.addAction(go)
        help_menu = bar.addMenu("&Help")
        self.about_action = QAction(icon("about"), "&About Learner Wallet", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _make_toolbar(self) -> None:
        c = self.credentials
        bar = QToolBar("Main toolbar", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(20, 20))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions([c.add_files_action, c.add_folder_action, c.paste_action])
        bar.addSeparator()
        bar.addActions([c.verify_action, c.remove_action])
        bar.addSeparator()
        bar.addAction(c.trash_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        self.stack.currentChanged.connect(lambda _n: bar.setVisible(self.stack.currentWidget() is c))

    def show_note(self, text: str) -> None:
        """A lasting note at the bottom of the window (e.g. "this is a demo wallet")."""
        if not hasattr(self, "note_label"):
            self.note_label = QLabel(self)
            self.note_label.setProperty("role", "muted")
            self.statusBar().addPermanentWidget(self.note_label)
        self.note_label.setText(text)

    def show_about(self) -> None:
        from wallet import __version__

        QMessageBox.about(
            self,
            "About Learner Wallet",
            f"<h3>Learner Wallet {__version__}</h3>"
            "<p>Keep your learning credentials, check them without a network, see how they "
            "stack up, and share the ones you choose.</p>"
            f"<p>Your wallet is kept, encrypted, in:<br><code>{self.wallet.home}</code></p>",
        )

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if accepts_mime(event.mimeData()):
            event.acceptProposedAction()
            self.credentials.empty_state.set_drag_active(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if accepts_mime(event.mimeData()):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.credentials.empty_state.set_drag_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.credentials.empty_state.set_drag_active(False)
        mime = event.mimeData()
        if not accepts_mime(mime):
            event.ignore()
            return
        event.acceptProposedAction()
        self.show_page("Credentials")
        paths = paths_from_mime(mime)
        if paths:
            self.credentials.import_paths([Path(p) for p in paths])
        else:
            self.credentials.importer.import_text(mime.text(), source="drop", name="Dropped text")

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        self.credentials.stop_work()
        self.clipboard.clear_now()
        self.bridge.detach()
        super().closeEvent(event)
