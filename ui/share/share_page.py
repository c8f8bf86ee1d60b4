"""The Share page: choose credentials, hear the warnings, sign, and hand the bundle over.

The page drives :class:`wallet.share_flow.ShareFlow`; every decision is the core's.
Left, the credentials to choose from (or a whole stack at once). Right, while
choosing: the receiver's request, how long the bundle stays valid, which identity
signs, the warnings, and the way out (a file, QR codes on screen, a printable sheet).
After signing: the QR codes as a sequence, and buttons to save the file or the sheet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.ops import run_op
from ui.share.model import CredentialChoiceModel
from ui.share.qr_view import QrSequence
from ui.widgets.error_box import show_error
from wallet import bundle, qr
from wallet.errors import BundleError, WalletError
from wallet.identity import Identities
from wallet.share_flow import Shared, ShareFlow
from wallet.verify.dates import human, parse_date

log = logging.getLogger(__name__)

WAY_FILE, WAY_QR, WAY_SHEET = "file", "qr", "sheet"
PICTURES = "Pictures (*.png *.jpg *.jpeg *.gif *.bmp *.webp *.tif *.tiff);;All files (*)"
SavePath = Callable[[str, str, str], str | None]  # (caption, suggested name, filter) -> path


def _ask_save_path(parent: QWidget) -> SavePath:
    def ask(caption: str, name: str, pattern: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, caption, str(Path.home() / name), pattern)
        return path or None

    return ask


def _ask_open_paths(parent: QWidget) -> Callable[[str, str], list[str]]:
    def ask(caption: str, pattern: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, caption, "", pattern)
        return list(paths)

    return ask


class SharePage(QWidget):
    """Page contract: ``SharePage(wallet, parent=None)``."""

    status_message = Signal(str)
    signed = Signal(object)  # Shared
    saved = Signal(str)  # the path written

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, bridge: Any = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.flow = ShareFlow(wallet)
        self.ask_save_path: SavePath = _ask_save_path(self)  # seams: tests answer without a dialog
        self.ask_open_paths: Callable[[str, str], list[str]] = _ask_open_paths(self)
        self.ask_text: Callable[[str, str], str | None] = self._ask_text
        self.model = CredentialChoiceModel(self)
        self._build()
        self.model.selection_changed.connect(self._selection_changed)
        if bridge is not None:
            for signal in (bridge.credential_added, bridge.credential_trashed, bridge.credential_restored):
                signal.connect(lambda *_: self.reload())
            bridge.stacks_changed.connect(self._load_stacks)
        self.reload()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel("Share credentials", self)
        title.setProperty("role", "pageTitle")
        intro = QLabel("Choose what to share. The wallet signs it as you, and the receiver can check it "
                       "without a network.", self)
        intro.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(intro)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self._build_choice())
        self.steps = QStackedWidget(self)
        self.steps.addWidget(self._build_options())
        self.steps.addWidget(self._build_result())
        split.addWidget(self.steps)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    def _build_choice(self) -> QWidget:
        box = QWidget(self)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 8, 0)
        heading = QLabel("1. Choose credentials", box)
        heading.setProperty("role", "sectionTitle")
        col.addWidget(heading)
        self.list = QListView(box)
        self.list.setModel(self.model)
        self.list.setAccessibleName("Credentials to share")
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        col.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.stack_box = QComboBox(box)
        self.stack_box.setAccessibleName("Stack to share")
        self.add_stack_button = QPushButton("Add the whole stack", box)
        self.add_stack_button.clicked.connect(self._add_stack)
        self.clear_button = QPushButton("Clear", box)
        self.clear_button.clicked.connect(lambda: self.model.choose(self.model.chosen(), False))
        row.addWidget(self.stack_box, 1)
        row.addWidget(self.add_stack_button)
        row.addWidget(self.clear_button)
        col.addLayout(row)
        self.chosen_label = QLabel(box)
        col.addWidget(self.chosen_label)
        return box

    def _build_options(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.setContentsMargins(8, 0, 0, 0)
        heading = QLabel("2. How to share", page)
        heading.setProperty("role", "sectionTitle")
        col.addWidget(heading)

        request = QGroupBox("The receiver's request (optional)", page)
        form = QFormLayout(request)
        self.request_text = QLineEdit(request)
        self.request_text.setPlaceholderText("Paste a request (LW1R:…) here")
        self.request_text.editingFinished.connect(self._take_request)
        self.request_text.textChanged.connect(self._request_pasted)
        self.challenge_edit = QLineEdit(request)
        self.domain_edit = QLineEdit(request)
        self.domain_edit.setPlaceholderText("e.g. https://jobs.example.org")
        request_row = QHBoxLayout()
        request_row.addWidget(self.request_text, 1)
        self.request_picture_button = QPushButton("From a picture…", request)
        self.request_picture_button.setToolTip("Read the request from a screenshot or photo of its QR code")
        self.request_picture_button.clicked.connect(self._request_from_picture)
        request_row.addWidget(self.request_picture_button)
        form.addRow("Request", request_row)
        form.addRow("Challenge", self.challenge_edit)
        form.addRow("Receiver (domain)", self.domain_edit)
        col.addWidget(request)

        settings = QGroupBox("Signing", page)
        form = QFormLayout(settings)
        days = QHBoxLayout()
        self.days_spin = QSpinBox(settings)
        self.days_spin.setRange(1, bundle.MAX_EXPIRY_DAYS)
        self.days_spin.setValue(bundle.DEFAULT_EXPIRY_DAYS)
        self.days_spin.setSuffix(" days")
        self.no_expiry = QCheckBox("No expiry date", settings)
        self.no_expiry.toggled.connect(lambda on: self.days_spin.setEnabled(not on))
        days.addWidget(self.days_spin)
        days.addWidget(self.no_expiry)
        days.addStretch(1)
        form.addRow("Valid for", days)
        self.identity_box = QComboBox(settings)
        self.identity_box.setAccessibleName("Sign as")
        self.identity_box.setToolTip("Use a different identity for each employer so they cannot link what "
                                     "you showed each of them.")
        self.new_identity_button = QPushButton("New identity…", settings)
        self.new_identity_button.clicked.connect(self.new_identity)
        who = QHBoxLayout()
        who.addWidget(self.identity_box, 1)
        who.addWidget(self.new_identity_button)
        form.addRow("Sign as", who)
        col.addWidget(settings)

        self.warnings = QLabel(page)
        self.warnings.setObjectName("shareWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setStyleSheet("QLabel#shareWarnings { background: #fdf0d5; color: #6b4100;"
                                    " border-radius: 6px; padding: 8px; }")
        self.warnings.hide()
        col.addWidget(self.warnings)

        ways = QGroupBox("How to hand it over", page)
        ways_col = QVBoxLayout(ways)
        self.way_group = QButtonGroup(self)
        self.way_buttons: dict[str, QRadioButton] = {}
        for key, text in ((WAY_FILE, "Save a file (.json) to send"),
                          (WAY_QR, "Show QR codes on this screen"),
                          (WAY_SHEET, "Make a printable sheet (PDF) with QR codes")):
            button = QRadioButton(text, ways)
            self.way_group.addButton(button)
            self.way_buttons[key] = button
            ways_col.addWidget(button)
        self.way_buttons[WAY_QR].setChecked(True)
        col.addWidget(ways)

        self.sign_button = QPushButton("Sign and share", page)
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.sign)
        col.addWidget(self.sign_button)
        col.addStretch(1)
        return page

    def _build_result(self) -> QWidget:
        page = QWidget(self)
        col = QVBoxLayout(page)
        col.setContentsMargins(8, 0, 0, 0)
        self.result_label = QLabel(page)
        self.result_label.setWordWrap(True)
        self.result_label.setProperty("role", "sectionTitle")
        col.addWidget(self.result_label)
        self.codes = QrSequence(page)
        col.addWidget(self.codes, 1)
        self.file_note = QLabel(page)
        self.file_note.setWordWrap(True)
        col.addWidget(self.file_note)
        row = QHBoxLayout()
        self.save_file_button = QPushButton("Save file…", page)
        self.save_file_button.clicked.connect(self.save_file)
        self.save_sheet_button = QPushButton("Save printable sheet…", page)
        self.save_sheet_button.clicked.connect(self.save_sheet)
        self.back_button = QPushButton("Share something else", page)
        self.back_button.clicked.connect(self._back)
        row.addWidget(self.save_file_button)
        row.addWidget(self.save_sheet_button)
        row.addStretch(1)
        row.addWidget(self.back_button)
        col.addLayout(row)
        line = QFrame(page)
        line.setFrameShape(QFrame.Shape.NoFrame)
        col.addWidget(line)
        return page

    def _ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text if ok else None

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        run_op(self, self._read).on_success(self._loaded)

    def _read(self) -> tuple[list[Any], list[Any], list[tuple[str, str]]]:
        creds = self.wallet.credentials()
        ids = Identities(self.wallet.store, clock=self.wallet.clock)
        identities = ids.list() or [ids.default()]
        return creds, identities, self._stacks(creds)

    def _stacks(self, creds: list[Any] | None = None) -> list[tuple[str, str]]:
        """Each stack's id and name (from ``creds``, else read anew): a worker's job."""
        service = getattr(self.wallet, "stacks", None)
        try:
            return service.names(creds) if service is not None else []
        except WalletError:
            log.exception("stacks could not be listed")
            return []

    def _loaded(self, loaded: tuple[list[Any], list[Any], list[tuple[str, str]]]) -> None:
        creds, identities, stacks = loaded
        self.model.set_credentials(creds)
        self.identity_box.clear()
        for identity in identities:
            self.identity_box.addItem(f"{identity.label} ({identity.short})", identity.did)
            if identity.is_default:
                self.identity_box.setCurrentIndex(self.identity_box.count() - 1)
        self._fill_stacks(stacks)

    def _load_stacks(self) -> None:
        run_op(self, self._stacks).on_success(self._fill_stacks)

    def _fill_stacks(self, stacks: list[tuple[str, str]]) -> None:
        self.stack_box.clear()
        for stack_id, name in stacks:
            self.stack_box.addItem(name, stack_id)
        has = bool(stacks)
        self.stack_box.setEnabled(has)
        self.add_stack_button.setEnabled(has)
        if not has:
            self.stack_box.addItem("No stacks yet")

    # ------------------------------------------------------------------ choosing

    def _selection_changed(self) -> None:
        if self.steps.currentIndex() == 1 and self.model.chosen() != self.flow.selected:
            self._back()  # the codes on screen are of the bundle signed before: never show them for another choice
            self.status_message.emit("The choice changed; sign again to share it.")
        self.flow.set_selected(self.model.chosen())
        n = len(self.flow.selected)
        self.chosen_label.setText("Nothing chosen yet." if n == 0 else
                                  f"{n} credential{'s' if n != 1 else ''} chosen.")
        self.sign_button.setEnabled(n > 0)
        run_op(self, self.flow.warnings).on_success(self._show_warnings)

    def _show_warnings(self, warnings: list[bundle.PreflightWarning]) -> None:
        shown = [w for w in warnings if w.credential_id in self.flow.selected]
        self.warnings.setVisible(bool(shown))
        lines = "\n".join(f"• {w.message}" for w in shown)
        self.warnings.setText(f"Before you share:\n{lines}\nYou can still share them." if shown else "")

    def _add_stack(self) -> None:
        stack_id = self.stack_box.currentData()
        if not stack_id:
            return
        try:
            members = bundle.stack_members(self.wallet, stack_id)
        except WalletError as exc:
            show_error(self, exc)
            return
        self.model.choose(members)
        self.status_message.emit(f"Added the credentials of “{self.stack_box.currentText()}”.")

    def new_identity(self) -> None:
        name = self.ask_text("New identity", "A name only you see, e.g. “Job applications 2026”:")
        if not name:
            return
        try:
            made = Identities(self.wallet.store, clock=self.wallet.clock).create(name)
        except WalletError as exc:
            show_error(self, exc)
            return
        self.identity_box.addItem(f"{made.label} ({made.short})", made.did)
        self.identity_box.setCurrentIndex(self.identity_box.count() - 1)
        self.status_message.emit(f"Made the identity “{made.label}”; bundles you sign with it are not linked "
                                 "to your other identities.")

    def _take_request(self) -> None:
        text = self.request_text.text().strip()
        if not text:
            return
        try:
            challenge, domain = self.flow.set_request(text)
        except WalletError as exc:
            show_error(self, exc)
            return
        self.challenge_edit.setText(challenge)
        self.domain_edit.setText(domain)

    def _request_pasted(self, text: str) -> None:
        """A whole request pasted in fills the fields at once; a half-typed one waits
        for the learner to finish (then a bad one gets its sentence)."""
        try:
            qr.decode_request(text)
        except WalletError:
            return
        self._take_request()

    def _request_from_picture(self) -> None:
        paths = self.ask_open_paths("Open a picture of the request", PICTURES)
        if not paths:
            return

        def read() -> str:  # a photo can take a moment to search: off the GUI thread
            texts = qr.read_images(paths[:1])
            request = next((t for t in texts if t.startswith(qr.PREFIX_REQUEST)), None)
            if request is None:
                raise BundleError("That picture holds no request for a bundle.", texts[0][:40])
            return request

        op = run_op(self, read)
        op.on_success(self.request_text.setText)  # filled in by _request_pasted
        op.on_failure(lambda exc: show_error(self, exc))

    def way_out(self) -> str:
        return next(k for k, b in self.way_buttons.items() if b.isChecked())

    # ------------------------------------------------------------------ signing and saving

    def sign(self) -> None:
        self._take_request()
        self.flow.set_request_fields(self.challenge_edit.text(), self.domain_edit.text())
        self.flow.expires_in_days = None if self.no_expiry.isChecked() else self.days_spin.value()
        self.flow.identity = self.identity_box.currentData()
        self.sign_button.setEnabled(False)
        op = run_op(self, self.flow.sign)
        op.on_success(self._signed)
        op.on_failure(self._sign_failed)

    def _sign_failed(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(bool(self.flow.selected))
        show_error(self, exc)

    def _signed(self, shared: Shared) -> None:
        self.sign_button.setEnabled(True)
        n = len(shared.credentials)
        proof = shared.presentation.get("proof", {})
        expires = parse_date(proof.get("expires")) if proof.get("expires") else None
        until = f", valid until {human(expires)}" if expires else ", with no expiry date"
        receiver = f" for {proof['domain']}" if proof.get("domain") else ""
        self.result_label.setText(f"Signed a bundle of {n} credential{'s' if n != 1 else ''}{receiver}{until}.")
        self.codes.set_codes(shared.matrices)
        self.file_note.setVisible(shared.payload.kind == "hash")
        if shared.payload.kind == "hash":
            self.file_note.setText("These credentials are too large for QR codes. The code holds the "
                                   "bundle file's fingerprint: save the file and give it to the receiver too.")
        self.steps.setCurrentIndex(1)
        self.signed.emit(shared)
        way = self.way_out()
        if way == WAY_FILE:
            self.save_file()
        elif way == WAY_SHEET:
            self.save_sheet()

    def save_file(self) -> None:
        shared = self.flow.shared
        if shared is None:
            return
        path = self.ask_save_path("Save the bundle", shared.file_name, "Bundles (*.json)")
        if not path:
            return
        try:
            bundle.write_file(path, shared.data)
        except WalletError as exc:
            show_error(self, exc)
            return
        self._saved(path)

    def save_sheet(self) -> None:
        shared = self.flow.shared
        if shared is None:
            return
        path = self.ask_save_path("Save the printable sheet", Path(shared.file_name).with_suffix(".pdf").name,
                                  "PDF (*.pdf)")
        if not path:
            return
        op = run_op(self, lambda: bundle.write_file(path, self.flow.sheet()))
        op.on_success(lambda _: self._saved(path))

    def _saved(self, path: str) -> None:
        self.status_message.emit(f"Saved {Path(path).name}.")
        self.saved.emit(path)

    def _back(self) -> None:
        self.flow.reset()
        self.codes.set_codes([])
        self.steps.setCurrentIndex(0)
