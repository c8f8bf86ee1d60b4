"""The Trust page: whom the learner trusts, what the wallet has saved, and how old it is.

It lists issuer registries, the learner's own trusted issuers, and the saved issuer
documents and status lists with their ages; it adds registries (from a file or the
web) and issuers, checks status now, updates registries, and exports or imports the
portable trust file for a machine that never goes online. Every action is one core
call off the GUI thread (:func:`ui.ops.run_op`) with one sentence of feedback.
Dialogs are passed in as plain callables, so tests drive the page without modal boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.ops import Op, run_op
from ui.trust.actions import AutoRefresher, CheckStatusAction
from ui.trust.model import Column, TrustModel
from ui.widgets.empty_state import EmptyState
from ui.widgets.error_box import DetailsDisclosure, describe_error
from wallet.net import NetworkPolicy, policy_label
from wallet.registries import checking_summary, issuers_of, registry_detail, update_message
from wallet.settings import NETWORK_POLICY
from wallet.trustfile import ImportSummary, UntrustedSigner

log = logging.getLogger(__name__)

MAX_NAME_WIDTH = 240  # pixels
JSON_FILTER = "Trust and registry files (*.json);;All files (*)"
_NETWORK_TIPS = (
    "Check automatically: the wallet downloads status lists, issuer keys and registries older than a day, on its own.\n"
    "Only when I ask: it goes online only when you press \u201cCheck status now\u201d or \u201cUpdate registries\u201d.\n"
    "Never: nothing connects; bring trust data on a trust file."
)


def _open_file(parent: QWidget) -> Callable[[str], str | None]:
    def ask(caption: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, caption, "", JSON_FILTER)
        return path or None

    return ask


def _save_file(parent: QWidget) -> Callable[[str, str], str | None]:
    def ask(caption: str, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, JSON_FILTER)
        return path or None

    return ask


def _ask_text(parent: QWidget) -> Callable[[str, str], str | None]:
    def ask(title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(parent, title, label)
        return text.strip() if ok and text.strip() else None

    return ask


def _confirm(parent: QWidget) -> Callable[[str, str], bool]:
    def ask(title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    return ask


@dataclass
class Dialogs:
    """How the page asks the learner things (replaced by plain functions in tests)."""

    open_file: Callable[[str], str | None]
    save_file: Callable[[str, str], str | None]
    ask_text: Callable[[str, str], str | None]
    confirm: Callable[[str, str], bool]


class TrustPage(QWidget):
    """Registries, trusted issuers, saved documents, and the portable trust file."""

    busy_changed = Signal(bool)
    feedback_changed = Signal(str)

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, bridge: Any = None,
                 dialogs: Dialogs | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.dialogs = dialogs or Dialogs(_open_file(self), _save_file(self), _ask_text(self), _confirm(self))
        self.model = TrustModel(lambda: wallet.clock(), self)
        self.op: Op | None = None
        self.recheck_op: Op | None = None
        self._build()
        self.auto: AutoRefresher | None = None
        self._follows_events = bridge is not None  # then trust_changed reloads the page
        if bridge is not None:
            bridge.trust_changed.connect(self.reload)
            self.auto = AutoRefresher(wallet, bridge, self)
            QTimer.singleShot(3000, self.auto, self.auto.run)  # after the window has appeared
        self.reload()

    # -- layout

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        title = QLabel("Trust", self)
        title.setProperty("role", "pageTitle")
        layout.addWidget(title)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setProperty("role", "muted")
        layout.addWidget(self.intro)
        self.issuer_line = QLabel(self)  # how issuers are checked: the same choice as each credential's trust line
        self.issuer_line.setWordWrap(True)
        layout.addWidget(self.issuer_line)

        row = QHBoxLayout()
        network_label = QLabel("Go online to check status and issuers:", self)
        self.network_box = QComboBox(self)
        for policy in NetworkPolicy:
            self.network_box.addItem(policy_label(policy), policy.value)
        self.network_box.setToolTip(_NETWORK_TIPS)
        self.network_box.setAccessibleName("When the wallet may go online")
        network_label.setBuddy(self.network_box)
        self.network_box.activated.connect(lambda _i: self.set_network_policy(self.network_box.currentData()))
        row.addWidget(network_label)
        row.addWidget(self.network_box)
        row.addStretch(1)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.check_action = CheckStatusAction(self.wallet, self)
        self.check_button = self._button("Check status now", self.check_action.trigger, primary=True)
        self.check_action.message.connect(self._say)
        self.check_action.changed.connect(lambda: self.check_button.setEnabled(self.check_action.isEnabled()))
        self.check_action.finished.connect(lambda _r: self._reload_unless_told())
        self.check_action.failed.connect(self._show_detail)
        row.addWidget(self.check_button)
        self.update_button = self._button("Update registries", self.update_registries)
        row.addWidget(self.update_button)
        row.addStretch(1)
        self.import_button = self._button("Import trust file\u2026", self.import_trust_file)
        self.export_button = self._button("Export trust file\u2026", self.export_trust_file)
        row.addWidget(self.import_button)
        row.addWidget(self.export_button)
        layout.addLayout(row)

        row = QHBoxLayout()  # its own row, so a narrow window never squeezes a label
        for label, slot in (("Add registry from a file\u2026", self.add_registry_file),
                            ("Add registry from the web\u2026", self.add_registry_url),
                            ("Trust an issuer\u2026", self.add_issuer)):
            row.addWidget(self._button(label, slot))
        row.addStretch(1)
        layout.addLayout(row)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(Column.DETAIL, QHeaderView.ResizeMode.Stretch)
        self.view.setAccessibleName("Registries, trusted issuers and saved documents")
        self.empty = EmptyState(
            "Nothing saved for offline checks yet",
            "Add a registry of issuers you trust, or import a trust file that a school or an "
            "employer gave you (on a USB stick, say). The wallet keeps what it saves here, with "
            "its date, so it can check issuers and revocations without a network.",
            (self._action("Import a trust file\u2026", self.import_trust_file),
             self._action("Add registry from a file\u2026", self.add_registry_file),
             self._action("Trust an issuer\u2026", self.add_issuer)),
            icon_name="trust",
            parent=self,
        )
        self.content = QStackedWidget(self)
        self.content.addWidget(self.view)
        self.content.addWidget(self.empty)
        layout.addWidget(self.content, 1)

        row = QHBoxLayout()
        self.remove_button = self._button("Remove", self.remove_selected)
        self.remove_button.setEnabled(False)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.remove_button.setEnabled(self.view.selectionModel().hasSelection()))
        row.addWidget(self.remove_button)
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.feedback, 1)
        layout.addLayout(row)
        self.details = DetailsDisclosure("", self)
        self.details.setVisible(False)
        layout.addWidget(self.details)

    def _action(self, label: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(label, self)
        action.triggered.connect(lambda: slot())
        return action

    def _button(self, label: str, slot: Callable[[], Any], *, primary: bool = False) -> QPushButton:
        button = QPushButton(label, self)
        button.setProperty("primary", primary)
        button.clicked.connect(lambda: slot())
        return button

    # -- showing

    def reload(self) -> None:
        data = self.wallet.trust_data
        items = data.items()
        self.model.set_items(items)
        self.content.setCurrentWidget(self.view if self.model.rowCount() else self.empty)
        self.intro.setText(
            "Who issued your credentials, and whether they were revoked. What the wallet saves here lets it "
            "check this offline; a trust file carries it to a computer that never goes online."
        )
        kinds = [item.kind for item in items]
        self.issuer_line.setText(checking_summary(kinds.count("registry"), kinds.count("issuer")))
        self._show_policy(data.policy)
        self.view.resizeColumnsToContents()
        for column in (Column.WHAT, Column.NAME):  # long DIDs elide (whole in the tooltip) to leave Details room
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_NAME_WIDTH))

    def _show_policy(self, policy: NetworkPolicy) -> None:
        self.network_box.setCurrentIndex(max(0, self.network_box.findData(NetworkPolicy(policy).value)))
        never = policy is NetworkPolicy.NEVER
        for button in (self.check_button, self.update_button):
            button.setToolTip("The network is turned off above, so nothing is downloaded." if never else "")

    def set_network_policy(self, value: str) -> None:
        """Keep the learner's network setting (a small write to the open wallet)."""
        policy = self.wallet.settings.set(NETWORK_POLICY, value)
        self._show_policy(self.wallet.trust_data.policy)
        self._say({
            NetworkPolicy.AUTOMATIC: "The wallet will check status on its own, about once a day.",
            NetworkPolicy.ASK: "The wallet will go online only when you press \u201cCheck status now\u201d.",
            NetworkPolicy.NEVER: "The wallet will not go online; bring trust data with a trust file.",
        }[policy])
        if policy is NetworkPolicy.AUTOMATIC and self.auto is not None:
            self.auto.run()

    def _say(self, text: str) -> None:
        self.feedback.setText(text)
        self.feedback_changed.emit(text)

    def _show_detail(self, message: str, detail: str) -> None:
        self._say(message)
        self._set_details(detail)

    def _set_details(self, detail: str) -> None:
        """Technical detail behind the "Technical details" control; none hides it."""
        self.details.text.setPlainText(detail)
        self.details.setVisible(bool(detail))

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], str], *, announced: bool = False) -> Op:
        """``announced``: the core call says itself when trust data changed."""
        self.details.setVisible(False)
        self.busy_changed.emit(True)
        self.op = run_op(self, fn)
        self.op.on_success(lambda result: self._finish(done(result), announced=announced))
        self.op.on_failure(self._fail)
        return self.op

    def _finish(self, text: str, *, announced: bool = False) -> None:
        self.busy_changed.emit(False)
        if not announced:
            self.wallet.trust_data.announce_change()
        self._reload_unless_told()
        self._say(text)
        self._recheck()

    def _reload_unless_told(self) -> None:
        """Reload now, unless the page follows the wallet's events: then the change
        announced by the core reloads it, once."""
        if not self._follows_events:
            self.reload()

    def _recheck(self) -> None:
        """Trust lines and status answers changed: verify the held credentials again,
        off the GUI thread; each new report reaches the credential list as it is made."""
        self.recheck_op = run_op(self, self.wallet.reverify_after_trust_change)

    def _fail(self, exc: BaseException) -> None:
        self.busy_changed.emit(False)
        message, detail = describe_error(exc)
        self._show_detail(message, detail)

    # -- actions

    def update_registries(self) -> Op:
        """Download the registries added from the web; ask federations about the issuers held."""
        return self._run(lambda: self.wallet.update_registries(user_initiated=True),
                         lambda report: update_message(list(report.results)), announced=True)

    def add_registry_file(self) -> Op | None:
        path = self.dialogs.open_file("Add an issuer registry")
        if not path:
            return None
        return self._run(lambda: self._add_registry(path), _registry_added)

    def add_registry_url(self) -> Op | None:
        url = self.dialogs.ask_text("Add an issuer registry", "The registry's web address (https://\u2026):")
        if not url:
            return None
        return self._run(lambda: self._add_registry(url), _registry_added)

    def _add_registry(self, source: str) -> list[Any]:
        """A registry or a list of registries; federations are asked about the issuers held."""
        return self.wallet.trust_data.registries.add(source, issuers=issuers_of(self.wallet.credentials()))

    def add_issuer(self) -> Op | None:
        did = self.dialogs.ask_text("Trust an issuer", "The issuer's identifier (did:\u2026 or https://\u2026):")
        if not did:
            return None
        name = self.dialogs.ask_text("Trust an issuer", "What to call this issuer:") or ""
        return self._run(lambda: self.wallet.trust_data.trust.add_trusted_issuer(did, name),
                         lambda issuer: f"You now trust {issuer.name}.")

    def remove_selected(self) -> bool:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return False
        item = self.model.item(rows[0].row())
        if not self.dialogs.confirm("Remove", f"Remove \u201c{item.title}\u201d ({item.kind_label.lower()})?"):
            return False
        removed = self.wallet.trust_data.remove(item)
        self.reload()
        self._say(f"Removed {item.title}." if removed else "It was already gone.")
        if removed:
            self._recheck()
        return removed

    def export_trust_file(self) -> Op | None:
        path = self.dialogs.save_file("Export trust file", "learner-wallet-trust.json")
        if not path:
            return None

        def done(counts: dict[str, int]) -> str:
            return (f"Saved {Path(path).name}: {counts['documents']} issuer documents, {counts['statusLists']} "
                    f"status lists and {counts['registries']} registries, signed by this wallet.")

        return self._run(lambda: self.wallet.trust_data.files.export(Path(path)), done)

    def import_trust_file(self) -> Op | None:
        path = self.dialogs.open_file("Import trust file")
        if not path:
            return None
        files = self.wallet.trust_data.files

        def work() -> Any:
            try:
                return files.import_file(Path(path))
            except UntrustedSigner as exc:
                return exc  # asked about on the GUI thread, below

        op = self._run(work, lambda summary: summary.message if not isinstance(summary, UntrustedSigner) else "")
        op.on_success(lambda result: self._imported(path, result))
        return op

    def _imported(self, path: str, result: Any) -> None:
        if isinstance(result, UntrustedSigner):
            self._ask_about_signer(path, result)
        else:
            self._show_rejections(result)

    def _show_rejections(self, summary: ImportSummary) -> None:
        """The entries not used, each with why, behind the details control."""
        self._set_details("\n".join(f"Not used: {r.what}: {r.message}" + (f"\n  {r.detail}" if r.detail else "")
                                    for r in summary.rejected))

    def _ask_about_signer(self, path: str, result: UntrustedSigner) -> None:
        question = (
            "This trust file was made by someone this wallet has not trusted before:\n\n"
            f"{result.signer}\n\nImport it only if you trust whoever gave it to you. Import it?"
        )
        if not self.dialogs.confirm("Import trust file", question):
            self._say("The trust file was not imported.")
            return
        files = self.wallet.trust_data.files
        op = self._run(lambda: files.import_file(Path(path), trust_signer=True), lambda summary: summary.message)
        op.on_success(self._show_rejections)


def _registry_added(added: list[Any]) -> str:
    if len(added) == 1:
        return f"Added {added[0].name}: {registry_detail(added[0])}."
    waiting = sum(1 for reg in added if not reg.loaded)
    later = f"; {waiting} could not be reached yet (use Update registries later)" if waiting else ""
    return f"Added {len(added)} registries{later}."
