"""The "Check a bundle" page: for the person a bundle was given to.

Open the ``.json`` file, or pictures of the QR codes (screenshots, photos, a scanned
sheet; any order), or scan the codes with a camera (``ui.share.camera``), or a code
together with its file. The page shows who shared it, the
holder's signature, the request (challenge) and receiver (domain) it was made for, its
expiry, and each credential's full report. Nothing is added to the wallet unless the
person asks, one credential at a time. A receiver can also make a request here: a
fresh challenge with their domain, as text and as a QR code for the learner to scan.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.ops import run_op
from ui.share import camera
from ui.share.qr_view import QrWidget
from ui.share.share_page import PICTURES
from ui.widgets.error_box import DetailsDisclosure, describe_error, show_error
from ui.widgets.status_badge import StatusBadge, look_for_outcome, look_for_status
from wallet import bundle, bundle_check, qr
from wallet.errors import WalletError

log = logging.getLogger(__name__)

OpenPaths = Callable[[str, str], list[str]]  # (caption, filter) -> chosen paths


def _ask_open_paths(parent: QWidget) -> OpenPaths:
    def ask(caption: str, pattern: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, caption, "", pattern)
        return list(paths)

    return ask


class CheckBundlePage(QWidget):
    """Page contract: ``CheckBundlePage(wallet, parent=None)``."""

    status_message = Signal(str)
    checked = Signal(object)  # BundleReport
    failed = Signal(str)  # the plain sentence

    def __init__(self, wallet: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.ask_open_paths: OpenPaths = _ask_open_paths(self)  # a seam for tests
        self.video_inputs: Callable[[], list[Any]] = camera.video_inputs  # a seam for tests
        self.make_scanner: Callable[[Any], camera.CameraScanDialog] = (
            lambda device: camera.CameraScanDialog(device, self))
        self.report: bundle_check.BundleReport | None = None
        self._received: bundle_check.Received | None = None
        self._build()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        title = QLabel("Check a bundle", self)
        title.setProperty("role", "pageTitle")
        intro = QLabel("Check credentials someone shared with you: open their bundle file or pictures of its "
                       "QR codes, or scan the codes with a camera. Nothing is added to your wallet unless you ask.",
                       self)
        intro.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(intro)

        row = QHBoxLayout()
        self.open_file_button = QPushButton("Open a bundle file…", self)
        self.open_file_button.clicked.connect(self.open_file)
        self.open_images_button = QPushButton("Open QR code pictures…", self)
        self.open_images_button.clicked.connect(self.open_images)
        self.scan_button = QPushButton("Scan with a camera…", self)
        self.scan_button.clicked.connect(self.scan_with_camera)
        row.addWidget(self.open_file_button)
        row.addWidget(self.open_images_button)
        row.addWidget(self.scan_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.notice_label = QLabel(self)
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        layout.addWidget(self.notice_label)

        layout.addWidget(self._build_request())

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("checkError")
        self.error_label.setStyleSheet("QLabel#checkError { color: #8c1d18; font-weight: 600; }")
        self.error_details = DetailsDisclosure("", self)
        self.error_label.hide()
        self.error_details.hide()
        layout.addWidget(self.error_label)
        layout.addWidget(self.error_details)

        self.result = QWidget(self)
        col = QVBoxLayout(self.result)
        col.setContentsMargins(0, 8, 0, 0)
        head = QHBoxLayout()
        self.badge = StatusBadge(self.result)
        self.summary_label = QLabel(self.result)
        self.summary_label.setWordWrap(True)
        head.addWidget(self.badge)
        head.addWidget(self.summary_label, 1)
        col.addLayout(head)
        self.holder_label = QLabel(self.result)
        self.holder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.holder_label.setWordWrap(True)
        col.addWidget(self.holder_label)
        self.tree = QTreeWidget(self.result)
        self.tree.setHeaderLabels(["", "Result"])
        self.tree.setColumnWidth(0, 380)
        self.tree.setAccessibleName("Bundle report")
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        col.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add to my wallet", self.result)
        self.add_button.setToolTip("Keep a copy of the selected credential in your own wallet")
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self.add_selected)
        row.addStretch(1)
        row.addWidget(self.add_button)
        col.addLayout(row)
        self.result.hide()
        layout.addWidget(self.result, 1)
        layout.addStretch(0)

    def _build_request(self) -> QWidget:
        box = QGroupBox("Your request (optional)", self)
        row = QHBoxLayout(box)
        form = QFormLayout()
        self.challenge_edit = QLineEdit(box)
        self.challenge_edit.setPlaceholderText("the challenge you gave the holder")
        self.domain_edit = QLineEdit(box)
        self.domain_edit.setPlaceholderText("e.g. https://jobs.example.org")
        form.addRow("Challenge", self.challenge_edit)
        form.addRow("Your domain", self.domain_edit)
        buttons = QHBoxLayout()
        self.new_request_button = QPushButton("Make a new request", box)
        self.new_request_button.clicked.connect(self.make_request)
        self.recheck_button = QPushButton("Check again", box)
        self.recheck_button.clicked.connect(self.recheck)
        self.recheck_button.setEnabled(False)
        buttons.addWidget(self.new_request_button)
        buttons.addWidget(self.recheck_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.request_text = QLineEdit(box)
        self.request_text.setReadOnly(True)
        self.request_text.setAccessibleName("Request text to send to the holder")
        self.request_text.hide()
        form.addRow(self.request_text)
        row.addLayout(form, 1)
        self.request_code = QrWidget(box)
        self.request_code.setFixedSize(180, 180)
        self.request_code.hide()
        row.addWidget(self.request_code)
        return box

    # ------------------------------------------------------------------ requests

    def make_request(self) -> None:
        domain = self.domain_edit.text().strip()
        if not domain:
            self._fail(WalletError("Write your domain first (who you are, e.g. https://jobs.example.org).",
                                   "empty domain"))
            return
        challenge = bundle.new_challenge()
        self.challenge_edit.setText(challenge)
        text = qr.encode_request(challenge, domain)
        self.request_text.setText(text)
        self.request_text.show()
        self.request_code.set_matrix(qr.matrix(text))
        self.request_code.show()
        self.status_message.emit("Show this request to the holder; their bundle will carry its challenge.")

    def _expected(self) -> tuple[str | None, str | None]:
        return self.challenge_edit.text().strip() or None, self.domain_edit.text().strip() or None

    # ------------------------------------------------------------------ opening and checking

    def open_file(self) -> None:
        paths = self.ask_open_paths("Open a bundle", "Bundles (*.json);;All files (*)")
        if paths:
            self.check_paths(paths)

    def open_images(self) -> None:
        paths = self.ask_open_paths("Open pictures of QR codes (and the bundle file, if the code names one)",
                                    PICTURES)
        if paths:
            self.check_paths(paths)

    def scan_with_camera(self) -> None:
        self.notice_label.hide()
        devices = self.video_inputs()
        if not devices:
            self._notice(camera.NO_CAMERA)
            return
        camera.ask_permission(self, lambda: self._open_scanner(devices[0]),
                              lambda: self._notice(camera.NOT_ALLOWED))

    def _open_scanner(self, device: Any) -> None:
        dialog = self.make_scanner(device)
        dialog.codes_read.connect(self.check_codes)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _notice(self, sentence: str) -> None:
        self.notice_label.setText(sentence)
        self.notice_label.show()

    def check_codes(self, decoded: qr.Decoded) -> None:
        """Check a bundle read with the camera; a code that stands for a file asks for it."""
        files: list[str] = []
        if decoded.document is None:
            files = self.ask_open_paths("Open the bundle file this QR code stands for",
                                        "Bundles (*.json);;All files (*)")
            if not files:
                self._notice("This QR code stands for a bundle file that travels separately; "
                             "open that file to check the bundle.")
                return
        source = f"the camera ({decoded.parts} QR code{'s' if decoded.parts > 1 else ''})"
        self._check_received(lambda: bundle_check.from_codes(decoded, files, source))

    def check_paths(self, paths: list[str]) -> None:
        self._check_received(lambda: bundle_check.load(paths))

    def _check_received(self, receive: Callable[[], bundle_check.Received]) -> None:
        self.notice_label.hide()
        challenge, domain = self._expected()
        env = self.wallet.verify_environment() if hasattr(self.wallet, "verify_environment") else None

        def work() -> tuple[bundle_check.Received, bundle_check.BundleReport]:
            received = receive()
            return received, bundle_check.check(received.presentation, env, challenge=challenge, domain=domain,
                                                source=received.source)

        op = run_op(self, work)
        op.on_success(self._checked)
        op.on_failure(self._fail)

    def recheck(self) -> None:
        if self._received is None:
            return
        received = self._received
        challenge, domain = self._expected()
        env = self.wallet.verify_environment() if hasattr(self.wallet, "verify_environment") else None
        op = run_op(self, lambda: (received, bundle_check.check(received.presentation, env, challenge=challenge,
                                                                domain=domain, source=received.source)))
        op.on_success(self._checked)
        op.on_failure(self._fail)

    def _fail(self, exc: BaseException) -> None:
        message, detail = describe_error(exc)
        self.error_label.setText(message)
        self.error_label.show()
        self.error_details.setVisible(bool(detail))
        self.error_details.text.setPlainText(detail)
        self.failed.emit(message)

    def _checked(self, result: tuple[bundle_check.Received, bundle_check.BundleReport]) -> None:
        self._received, report = result
        self.report = report
        self.error_label.hide()
        self.error_details.hide()
        self.recheck_button.setEnabled(True)
        self.badge.set_look(look_for_status(report.status))
        self.summary_label.setText(report.summary)
        self.holder_label.setText(f"Shared by {report.shared_by}\nRead from {report.source}")
        self._fill_tree(report)
        self.result.show()
        self.checked.emit(report)

    def _fill_tree(self, report: bundle_check.BundleReport) -> None:
        self.tree.clear()
        bundle_item = QTreeWidgetItem(self.tree, ["The bundle", report.status.label])
        bundle_item.setIcon(1, look_for_status(report.status).icon)
        for line in report.lines:
            child = QTreeWidgetItem(bundle_item, [line.label, line.check.message])
            child.setIcon(1, look_for_outcome(line.check.outcome).icon)
            child.setToolTip(1, _tip(line.check))
        bundle_item.setExpanded(True)
        for r in report.credentials:
            item = QTreeWidgetItem(self.tree, [f"{r.index}. {r.title}", f"{r.status.label}: {r.summary}"])
            item.setIcon(1, look_for_status(r.status).icon)
            item.setData(0, Qt.ItemDataRole.UserRole, r.index)
            item.setToolTip(0, f"{r.title}\n{r.issuer}\n{r.kind}")
            for c in r.checks:
                child = QTreeWidgetItem(item, [c.name.value.replace("-", " ").capitalize(), c.message])
                child.setIcon(1, look_for_outcome(c.outcome).icon)
                child.setToolTip(1, _tip(c))
                child.setData(0, Qt.ItemDataRole.UserRole, r.index)
            item.setExpanded(r.status.value != "verified")
        metrics = self.tree.fontMetrics()  # whole titles, within reason
        widest = max(metrics.horizontalAdvance(self.tree.topLevelItem(i).text(0))
                     for i in range(self.tree.topLevelItemCount()))
        self.tree.setColumnWidth(0, max(300, min(widest + self.tree.indentation() + 24, self.width() // 2)))

    # ------------------------------------------------------------------ keeping

    def selected_credential(self) -> bundle_check.ReceivedCredential | None:
        items = self.tree.selectedItems()
        if not items or self.report is None:
            return None
        index = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.report.credentials if r.index == index), None)

    def _selection_changed(self) -> None:
        chosen = self.selected_credential()
        self.add_button.setEnabled(chosen is not None and chosen.credential is not None)

    def add_selected(self) -> None:
        chosen = self.selected_credential()
        if chosen is None:
            return
        op = run_op(self, lambda: bundle_check.add_to_wallet(self.wallet, chosen))
        op.on_success(lambda added: self.status_message.emit(
            f"Added “{chosen.title}” to your wallet." if added else f"“{chosen.title}” is already in your wallet."))
        op.on_failure(lambda exc: show_error(self, exc))


def _tip(check: Any) -> str:
    """A row's whole sentence (the column may cut it short) and its technical detail."""
    return f"{check.message}\n{check.detail}" if check.detail else check.message
