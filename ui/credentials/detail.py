"""The detail pane: everything a learner cares about in one credential, and its checks."""

from __future__ import annotations

import html
from urllib.parse import urlsplit
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.credentials.facts import Details, Endorsement, Section, details_of
from ui.credentials.thumbnails import ThumbnailCache
from ui.credentials.verification import MIN_TEXT_WIDTH, VerificationSection
from ui.widgets.elided import ElidedLabel
from wallet.credential import Credential
from wallet.verify.report import Report

IMAGE_SIZE = 96


def _label(text: str, parent: QWidget, *, role: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(wrap)
    if wrap:
        label.setMinimumWidth(MIN_TEXT_WIDTH)  # wrap rather than widen the pane past its edge
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    if role:
        label.setProperty("role", role)
    return label


def _has_long_word(text: str) -> bool:
    return any(len(word) > 36 for word in text.split())


def _long_value(text: str, parent: QWidget) -> ElidedLabel:
    """A DID, a hash or a path: one word too long to wrap, so its start and end show."""
    return ElidedLabel(text, parent)


def _section_heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "section")
    label.setAccessibleName(f"Section: {text}")
    return label


def _linked_html(text: str, link: str) -> str:
    """A value with a web page: a short first line is the link itself and the rest
    follows as plain text; a long one (a narrative) is shown whole, the link after it."""
    anchor = f'<a href="{html.escape(link, quote=True)}">{{}}</a>'
    first, _, rest = text.partition("\n")
    if len(first) > 80:
        host = urlsplit(link).hostname or "the web"
        first, rest = "", text
        tail = anchor.format(html.escape(f"Open the page on {host}"))
    else:
        tail = ""
    parts = [anchor.format(html.escape(first)) if first else "",
             html.escape(rest).replace("\n", "<br>"), tail]
    return "<br>".join(p for p in parts if p)


class CredentialDetail(QScrollArea):
    """Shows one credential. Emits requests; the page does the work."""

    verify_requested = Signal(str)  # credential id
    status_requested = Signal(str)  # credential id: "Check status now"
    open_requested = Signal(str)  # another credential's id (a CLR's part, or its parent)

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Credential details")
        self.thumbnails = thumbnails
        self.credential: Credential | None = None
        self.details: Details | None = None
        self.verification = VerificationSection()
        self.verification.verify_requested.connect(self._ask_verify)
        self.verification.status_requested.connect(
            lambda: self.credential is not None and self.status_requested.emit(self.credential.id))
        self.section_titles: list[str] = []
        self.show_nothing()

    # -- public

    def show_nothing(self) -> None:
        self.credential = None
        self.details = None
        body = self._new_body()
        hint = _label("Choose a credential on the left to see what it says and whether it checks out.", body,
                      role="muted")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.layout().addStretch(1)
        body.layout().addWidget(hint)
        body.layout().addStretch(1)
        self._set_body(body)

    def show_credential(
        self,
        cred: Credential,
        report: Report | None,
        *,
        parts: Sequence[Credential] = (),
        part_of: Credential | None = None,
        checking: bool = False,
    ) -> None:
        self.credential = cred
        self.details = details_of(cred)
        body = self._new_body()
        layout: QVBoxLayout = body.layout()
        layout.addLayout(self._header(body, cred, self.details))
        if self.details.description:
            layout.addWidget(_label(self.details.description, body))
        self.section_titles = []
        self._add_heading(layout, body, "Verification")
        layout.addWidget(self.verification)
        self.verification.show_report(report, checking=checking)
        if part_of is not None:
            self._add_links(layout, body, "Part of", [part_of])
        if parts:
            self._add_links(layout, body, "Credentials in this record", parts)
        for section in self.details.sections:
            self._add_section(layout, body, section)
        if self.details.endorsements:
            self._add_endorsements(layout, body, self.details.endorsements)
        layout.addStretch(1)
        self._set_body(body)

    def show_report(self, report: Report | None, *, checking: bool = False) -> None:
        """Refresh only the Verification section (after "Verify again")."""
        self.verification.show_report(report, checking=checking)

    # -- building

    def _new_body(self) -> QWidget:
        body = QWidget()
        body.setObjectName("detailBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(24, 20, 24, 24)
        layout.setSpacing(8)
        return body

    def _set_body(self, body: QWidget) -> None:
        old = self.takeWidget()
        if old is not None:
            if self.verification.parent() is old:
                self.verification.setParent(None)  # one section, kept across credentials
            old.hide()
            old.deleteLater()
        self.setWidget(body)
        # The pane never gets narrower than what it shows (buttons, the field names):
        # with no horizontal scroll bar, anything past the edge would simply be cut off.
        self.setMinimumWidth(body.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
                             + 2 * self.frameWidth())

    def _header(self, body: QWidget, cred: Credential, details: Details) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(16)
        picture = QLabel(body)
        picture.setPixmap(self.thumbnails.pixmap_for(cred, IMAGE_SIZE))
        picture.setFixedSize(IMAGE_SIZE, IMAGE_SIZE)
        picture.setAccessibleName(f"Image of {details.title}")
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        self.title_label = _label(details.title, body, role="title")
        self.title_label.setAccessibleName(f"Credential: {details.title}")
        text.addWidget(self.title_label)
        if details.kind:
            text.addWidget(_label(details.kind, body, role="muted"))
        if details.issuer:
            self.issuer_label = _label(f"Issued by {details.issuer}", body)
            text.addWidget(self.issuer_label)
        text.addStretch(1)
        row.addLayout(text, 1)
        return row

    def _add_heading(self, layout: QVBoxLayout, body: QWidget, title: str) -> None:
        layout.addSpacing(6)
        layout.addWidget(_section_heading(title, body))
        self.section_titles.append(title)

    def _add_section(self, layout: QVBoxLayout, body: QWidget, section: Section) -> None:
        self._add_heading(layout, body, section.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        for n, field in enumerate(section.fields):
            name = _label(field.label, body, role="fieldName", wrap=True)
            name.setMinimumWidth(110)
            name.setMaximumWidth(180)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value = self._value_label(field.value, field.link, body)
            value.setAccessibleName(f"{field.label}: {field.value}")
            grid.addWidget(name, n, 0)
            grid.addWidget(value, n, 1)
        layout.addLayout(grid)

    def _value_label(self, text: str, link: str, body: QWidget) -> QWidget:
        if not link and _has_long_word(text):
            return _long_value(text, body)  # a DID or a path: elided in the middle, never clipped
        if link:
            label = QLabel(_linked_html(text, link), body)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setOpenExternalLinks(True)  # the learner's own click; the app fetches nothing
            label.setToolTip(link)
            label.setWordWrap(True)
            label.setMinimumWidth(MIN_TEXT_WIDTH)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        else:
            label = _label(text, body)
            label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # level with its name
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        return label

    def _add_links(self, layout: QVBoxLayout, body: QWidget, title: str, creds: Sequence[Credential]) -> None:
        self._add_heading(layout, body, title)
        for other in creds:
            button = QPushButton(self.thumbnails.icon_for(other), other.title or "Untitled credential", body)
            button.setFlat(True)
            button.setStyleSheet("text-align: left; padding: 4px 6px;")
            button.setAccessibleName(f"Open {other.title}")
            button.clicked.connect(lambda _=False, cid=other.id: self.open_requested.emit(cid))
            layout.addWidget(button)

    def _add_endorsements(self, layout: QVBoxLayout, body: QWidget, items: Sequence[Endorsement]) -> None:
        self._add_heading(layout, body, "Endorsements")
        for e in items:
            text = f"{e.endorser} endorsed {e.about}"
            layout.addWidget(_label(text, body, role="fieldName"))
            if e.comment:
                layout.addWidget(_label(f"“{e.comment}”", body))

    def _ask_verify(self) -> None:
        if self.credential is not None:
            self.verify_requested.emit(self.credential.id)
