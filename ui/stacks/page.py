"""The Stacks page: each stack as a card; opening one shows its requirement tree, the
credentials under each requirement and the next steps; a Skills tab shows frameworks as
a grid of competencies by level, with credit totals per issuer.

Progress is computed off the GUI thread (:func:`ui.ops.run_op`) and again, shortly
after, whenever a credential is added, checked, trashed or restored, or a definition
changes. Clicking a credential asks the main window to open it
(:attr:`StacksPage.credential_activated`); "Share these credentials" hands the stack's
counting credentials to sharing (:attr:`StacksPage.share_requested`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.ops import run_op
from ui.stacks.cards import StackCardDelegate
from ui.stacks.models import (
    CredentialIdRole,
    MetRole,
    RequirementTreeModel,
    SkillsModel,
    StackCard,
    StackListModel,
    percent,
)
from wallet.errors import WalletError
from wallet.stacks.derived import INFERRED_NOTE, IssuerCredits, SkillsFramework
from wallet.stacks.service import StoredStack
from wallet.stacks.words import amount

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 150


@dataclass(frozen=True)
class StacksSnapshot:
    """Everything the page shows, computed in one go off the GUI thread."""

    cards: list[StackCard]
    stored: dict[str, StoredStack]
    skills: list[SkillsFramework]
    credits: list[IssuerCredits] = field(default_factory=list)


def take_snapshot(wallet: Any) -> StacksSnapshot:
    stacks = wallet.stacks
    creds = wallet.credentials()  # decrypted once for everything below
    held = stacks.held(creds)
    stored = {s.id: s for s in stacks.stored()}
    cards = [StackCard(p, stored[p.stack_id].publisher if p.stack_id in stored else "")
             for p in stacks.all_progress(held, creds)]
    return StacksSnapshot(cards, stored, stacks.skills(held), stacks.credit_totals(held))


class StacksPage(QWidget):
    credential_activated = Signal(str)  # a credential id: the main window opens it
    share_requested = Signal(list)  # credential ids that make up the chosen stack
    status_message = Signal(str)
    loaded = Signal()  # after each refresh landed

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, bridge: Any = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.snapshot = StacksSnapshot([], {}, [])
        self.cards = StackListModel(self)
        self.tree_model = RequirementTreeModel(self)
        self.skills_model = SkillsModel(self)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._current_id = ""
        self._build()
        if bridge is not None:
            for name in ("credential_added", "credential_trashed", "credential_restored",
                         "verification_finished", "stacks_changed", "trust_changed"):
                getattr(bridge, name).connect(self.schedule_refresh)
        self.refresh()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        top = QHBoxLayout()
        heading = QLabel("Stacks", self)
        heading.setProperty("role", "pageTitle")
        top.addWidget(heading)
        top.addStretch(1)
        self.add_button = QPushButton("Add a stack definition\u2026", self)
        self.add_button.clicked.connect(self._choose_file)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._progress_tab(), "Progress")
        self.tabs.addTab(self._skills_tab(), "Skills and credits")
        layout.addWidget(self.tabs, 1)

    def _progress_tab(self) -> QWidget:
        split = QSplitter(Qt.Orientation.Horizontal, self)
        self.card_view = QListView(split)
        self.card_view.setModel(self.cards)
        self.card_view.setItemDelegate(StackCardDelegate(self.card_view))
        self.card_view.setSpacing(2)
        self.card_view.setAccessibleName("Stacks")
        self.card_view.setMinimumWidth(280)
        self.card_view.selectionModel().currentChanged.connect(self._card_changed)
        detail = QWidget(split)
        box = QVBoxLayout(detail)
        self.title = QLabel("", detail)
        self.title.setProperty("role", "sectionTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel("", detail)
        self.subtitle.setWordWrap(True)
        self.bar = QProgressBar(detail)
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.tree = QTreeView(detail)
        self.tree.setModel(self.tree_model)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAccessibleName("Requirements")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # "Expired on 10 July 2025", "Does not count": read in full
            self.tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.tree.activated.connect(self._tree_activated)
        self.tree.doubleClicked.connect(self._tree_activated)
        self.next_steps = QLabel("")
        self.next_steps.setWordWrap(True)
        self.next_steps.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        self.share_button = QPushButton("Share these credentials", detail)
        self.share_button.clicked.connect(self._share)
        self.remove_button = QPushButton("Remove this stack", detail)
        self.remove_button.clicked.connect(self.remove_current)
        buttons.addWidget(self.share_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        for w in (self.title, self.subtitle, self.bar):
            box.addWidget(w)
        lower = QScrollArea(detail)
        lower.setWidgetResizable(True)
        lower.setFrameShape(QFrame.Shape.NoFrame)
        lower.setWidget(self.next_steps)
        self.next_steps.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        parts = QSplitter(Qt.Orientation.Vertical, detail)
        parts.addWidget(self.tree)
        parts.addWidget(lower)
        parts.setStretchFactor(0, 3)
        parts.setStretchFactor(1, 2)
        parts.setSizes([440, 150])  # the tree first; next steps and the reasons stay in view
        box.addWidget(parts, 1)
        box.addLayout(buttons)
        split.setStretchFactor(1, 1)
        split.setSizes([320, 760])
        self.empty = QLabel("No stacks yet. Add a stack definition from your institution, or import a "
                            "transcript (CLR): its courses appear here by themselves.", detail)
        self.empty.setWordWrap(True)
        box.addWidget(self.empty)
        return split

    def _skills_tab(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        note = QLabel(INFERRED_NOTE, page)
        note.setWordWrap(True)
        box.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(QLabel("Framework:", page))
        self.framework_box = QComboBox(page)
        self.framework_box.currentIndexChanged.connect(self._framework_changed)
        row.addWidget(self.framework_box, 1)
        box.addLayout(row)
        self.skills_view = QTableView(page)
        self.skills_view.setModel(self.skills_model)
        self.skills_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.skills_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.skills_view.horizontalHeader().setStretchLastSection(True)
        self.skills_view.doubleClicked.connect(self._skill_activated)
        self.skills_view.setAccessibleName("Skills by level")
        self.skills_view.verticalHeader().setVisible(False)
        box.addWidget(self.skills_view, 1)
        self.credits_label = QLabel("", page)
        self.credits_label.setWordWrap(True)
        self.credits_label.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.credits_label)
        return page

    # ------------------------------------------------------------------ loading

    def schedule_refresh(self, *_args: Any) -> None:
        self._timer.start()

    def refresh(self) -> None:
        run_op(self, lambda: take_snapshot(self.wallet)).on_success(self._show).on_failure(self._failed)

    def _failed(self, exc: BaseException) -> None:
        log.error("stacks could not be computed", exc_info=exc)
        self.show_message(getattr(exc, "message", "Stacks could not be shown right now."))

    def _show(self, snapshot: StacksSnapshot) -> None:
        self.snapshot = snapshot
        keep = self._current_id
        self.cards.set_cards(snapshot.cards)
        self.empty.setVisible(not snapshot.cards)
        self._show_skills(snapshot)
        row = self.cards.row_of(keep) if keep else -1
        if row < 0 and snapshot.cards:
            row = 0
        if row >= 0:
            self.card_view.setCurrentIndex(self.cards.index(row, 0))
            self.show_stack(row)
        else:
            self.show_stack(-1)
        self.loaded.emit()

    def _show_skills(self, snapshot: StacksSnapshot) -> None:
        current = self.framework_box.currentText()
        self.framework_box.blockSignals(True)
        self.framework_box.clear()
        self.framework_box.addItems([f.name for f in snapshot.skills])
        self.framework_box.blockSignals(False)
        names = [f.name for f in snapshot.skills]
        self.framework_box.setCurrentIndex(names.index(current) if current in names else 0 if names else -1)
        self._framework_changed(self.framework_box.currentIndex())
        lines = []
        for c in snapshot.credits:
            line = f"<b>{_esc(c.issuer_name)}</b>: "
            if not c.credentials:  # nothing counts yet: say what waits, not "0 credits"
                line += f"{amount(c.pending_total, c.unit)} pending a check"
            else:
                line += amount(c.total, c.unit)
                if c.pending_total:
                    line += f" (+{amount(c.pending_total, c.unit)} pending a check)"
            lines.append(line)
        self.credits_label.setText(("<p>Credits so far, by issuer:</p>" + "<br>".join(lines)) if lines else "")

    def _framework_changed(self, row: int) -> None:
        skills = self.snapshot.skills
        self.skills_model.set_framework(skills[row] if 0 <= row < len(skills) else None)

    # ------------------------------------------------------------------ one stack

    def _card_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.show_stack(current.row())

    def show_stack(self, row: int) -> None:
        if not 0 <= row < self.cards.rowCount():
            self._current_id = ""
            self.tree_model.set_progress(None)
            for w in (self.title, self.subtitle, self.next_steps):
                w.setText("")
            self.bar.setValue(0)
            self.share_button.setEnabled(False)
            self.remove_button.setEnabled(False)
            return
        card = self.cards.card(row)
        p = card.progress
        self._current_id = p.stack_id
        self.title.setText(p.name)
        self.subtitle.setText(self._subtitle(card))
        self.bar.setValue(int(p.fraction * 1000))
        self.bar.setFormat("Complete" if p.met else f"{percent(p.fraction)} done")
        self.tree_model.set_progress(p)
        self._expand_unmet(QModelIndex())
        steps = "".join(f"<li>{_esc(s)}</li>" for s in p.next_steps)
        text = f"<b>Next steps</b><ul>{steps}</ul>" if steps else "<b>All requirements are met.</b>"
        for heading, ids in (("Waiting for a check", p.pending), ("Held but not counted", p.not_counted)):
            items = "".join(f"<li>{_esc(p.held[i].title)}: {_esc(p.held[i].standing.reason)}</li>" for i in ids)
            text += f"<b>{heading}</b><ul>{items}</ul>" if items else ""
        self.next_steps.setText(text)
        self.share_button.setEnabled(bool(p.counting))
        self.remove_button.setEnabled(not p.inferred)

    def _expand_unmet(self, parent: QModelIndex) -> None:
        """Open the way to what is missing; met requirements stay folded (one click away)."""
        for row in range(self.tree_model.rowCount(parent)):
            index = self.tree_model.index(row, 0, parent)
            if not parent.isValid() or index.data(MetRole) is False:
                self.tree.expand(index)
                self._expand_unmet(index)

    def _subtitle(self, card: StackCard) -> str:
        p = card.progress
        if p.inferred:
            return INFERRED_NOTE
        stored = self.snapshot.stored.get(p.stack_id)
        parts = [card.subtitle + "."]
        if stored is not None and stored.signature_note:
            parts = [stored.signature_note]
        elif stored is not None and stored.publisher:
            parts.append("Not signed, so the publisher is as the file says.")
        if p.pending or p.not_counted:
            parts.append(f"{len(p.pending)} pending, {len(p.not_counted)} held but not counted: see below why.")
        return " ".join(parts)

    def current_progress(self) -> Any:
        row = self.cards.row_of(self._current_id)
        return self.cards.card(row).progress if row >= 0 else None

    def _tree_activated(self, index: QModelIndex) -> None:
        cred_id = index.siblingAtColumn(0).data(CredentialIdRole)
        if cred_id:
            self.credential_activated.emit(str(cred_id))

    def _skill_activated(self, index: QModelIndex) -> None:
        cred_id = index.data(CredentialIdRole)
        if cred_id:
            self.credential_activated.emit(str(cred_id))

    def _share(self) -> None:
        p = self.current_progress()
        if p is not None and p.counting:
            self.share_requested.emit(list(p.counting))

    # ------------------------------------------------------------------ adding and removing

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Add a stack definition", "",
                                              "Stack definitions (*.json);;All files (*)")
        if name:
            self.add_definition(Path(name))

    def add_definition(self, path: Path) -> None:
        """Read, check and store a definition off the GUI thread (a signed one is verified)."""
        self.add_button.setEnabled(False)
        self.show_message(f"Adding {path.name}\u2026")
        op = run_op(self, lambda: self.wallet.stacks.add_file(path))
        op.on_success(self._added).on_failure(self._add_failed)

    def _add_failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        if not isinstance(exc, WalletError):
            log.error("a stack definition could not be added", exc_info=exc)
        self.show_message(getattr(exc, "message", "That stack definition could not be added."), error=True)

    def _added(self, stack: StoredStack) -> None:
        self.add_button.setEnabled(True)
        self._current_id = stack.id
        self.show_message(f"Added \u201c{stack.definition.name}\u201d." + (
            f" {stack.signature_note}" if stack.signature_note else ""))
        self.refresh()

    def remove_current(self) -> None:
        p = self.current_progress()
        if p is None or p.inferred:
            return
        try:
            stack = self.wallet.stacks.remove(p.stack_id)
        except WalletError as exc:
            self.show_message(exc.message, error=True)
            return
        self._current_id = ""
        self.show_message(f"Removed \u201c{stack.definition.name}\u201d. Your credentials are unchanged.")
        self.refresh()

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "note")
        self.message.setStyleSheet("color: #a4262c;" if error else "")
        self.message.setVisible(bool(text))
        self.status_message.emit(text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
