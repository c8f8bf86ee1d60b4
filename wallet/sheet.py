"""The printable sheet: a PDF an applicant can bring to an interview.

Page one says who shares what: each credential in plain words (title, issuer, dates,
credits, whether it verified when the bundle was made). Then come the bundle's QR
codes, labelled "Part i of n", large enough to scan from paper. The codes carry the
signed bundle; the text is a reading aid and says so, because only the codes prove
anything.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from wallet.bundle import holder_name
from wallet.credential import Credential
from wallet.qr import Payload, matrix, png_bytes

log = logging.getLogger(__name__)

_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
              Path("/Library/Fonts"), Path("C:/Windows/Fonts"))
_INK = (33, 37, 41)
_MUTED = (96, 103, 112)
_GOOD = (25, 118, 60)
_BAD = (176, 32, 32)


@dataclass(frozen=True)
class SheetItem:
    """One credential as the sheet describes it."""

    title: str
    issuer: str
    status: str  # "Verified", "Not verified: the signature does not match", ...
    status_ok: bool
    subject: str = ""
    kind: str = ""
    issued: datetime | None = None
    valid_until: datetime | None = None
    credits: float | None = None
    credits_unit: str = ""

    @classmethod
    def of(cls, cred: Credential, status: str, ok: bool) -> "SheetItem":
        s = cred.summary
        return cls(title=s.title or "Untitled credential", issuer=s.issuer_name or s.issuer_id,
                   status=status, status_ok=ok, subject=s.subject_name, kind=cred.format.label,
                   issued=s.issued or s.valid_from, valid_until=s.valid_until,
                   credits=s.credits, credits_unit=s.credits_unit)


@dataclass(frozen=True)
class SheetHeader:
    holder: str  # the did:key
    created: datetime
    expires: datetime | None = None
    holder_name: str = ""
    challenge: str = ""
    domain: str = ""
    file_name: str = ""  # the .json that travels with a file-reference code


def status_of(wallet: Any, cred: Credential) -> tuple[str, bool]:
    """The credential's verification status in words, as the wallet last found it."""
    from wallet.verify.report import Status

    report = wallet.store.report(cred.id)
    if report is None:
        from wallet.verify.credential import verify_credential

        fresh = verify_credential(cred, wallet.verify_environment())
        status, reason = fresh.status, fresh.summary
    else:
        status = Status(report.get("status", Status.NOT_VERIFIED.value))
        reason = next((c.get("message", "") for c in report.get("checks", ())
                       if c.get("outcome") in ("failed", "could-not-check")), "")
    ok = status in (Status.VERIFIED, Status.WARNINGS)
    return (f"{status.label} when shared" if ok else f"{status.label}: {reason.rstrip('.')}"), ok


def sheet_for(wallet: Any, presentation: dict[str, Any], creds: Sequence[Credential], payload: Payload,
              file_name: str) -> bytes:
    """The sheet of a bundle just signed from this wallet."""
    from wallet.verify.dates import parse_date

    proof = presentation.get("proof") or {}
    holder = presentation.get("holder", "")
    header = SheetHeader(
        holder=holder, created=parse_date(proof.get("created")) or wallet.clock(),
        expires=parse_date(proof.get("expires")) if proof.get("expires") else None,
        holder_name=holder_name(holder, creds), challenge=proof.get("challenge", ""),
        domain=proof.get("domain", ""), file_name=file_name)
    return render_sheet([SheetItem.of(c, *status_of(wallet, c)) for c in creds], payload, header)


def short_did(did: str) -> str:
    """The holder's DID as people can compare it by eye (the full one is printed too)."""
    from wallet.identity import Identity, IdentityId

    return Identity(IdentityId(did), "", None).short if did.startswith("did:key:") else did


def render_sheet(items: Sequence[SheetItem], payload: Payload, header: SheetHeader) -> bytes:
    """The PDF bytes of the sheet."""
    pdf = _Sheet(header)
    pdf.summary_page(items, payload.count)
    pdf.code_pages(payload)
    return bytes(pdf.output())


def _date(when: datetime | None) -> str:
    return f"{when.day} {when:%B %Y}" if when else ""


def _credits(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    number = f"{value:g}"
    return f"{number} {unit or ('credit' if value == 1 else 'credits')}"


class _Sheet(FPDF):
    def __init__(self, header: SheetHeader) -> None:
        super().__init__(format="A4", unit="mm")
        self.head = header
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title("Shared credentials")
        self.set_creator("Learner Wallet")
        self._unicode = self._load_fonts()

    def _load_fonts(self) -> bool:
        for folder in _FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.is_file() and bold.is_file():
                self.add_font("Sheet", "", str(regular))
                self.add_font("Sheet", "B", str(bold))
                return True
        return False  # core Helvetica: Latin-1 only, others shown as "?"

    def text_of(self, text: str) -> str:
        if self._unicode:
            return text
        return text.replace("…", "...").encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = _INK) -> None:
        self.set_font("Sheet" if self._unicode else "Helvetica", "B" if bold else "", size)
        self.set_text_color(*color)

    def line_text(self, text: str, size: float = 10, *, bold: bool = False,
                  color: tuple[int, int, int] = _INK, height: float = 5.2) -> None:
        self.font(size, bold, color)
        self.multi_cell(0, height, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8, color=_MUTED)
        note = "Made with Learner Wallet. Only the QR codes prove anything: check them with Learner Wallet."
        self.cell(0, 5, self.text_of(f"{note}   Page {self.page_no()}/{{nb}}"), align="C")

    # -- page one: who shares what

    def summary_page(self, items: Sequence[SheetItem], codes: int) -> None:
        self.add_page()
        self.line_text("Shared credentials", 20, bold=True, height=9)
        h = self.head
        signer = short_did(h.holder) if h.holder else "the holder"
        who = f"Shared by {h.holder_name} ({signer})" if h.holder_name else f"Shared by {signer}"
        self.line_text(f"{who} on {_date(h.created)}", 11, color=_MUTED)
        if h.expires:
            self.line_text(f"The bundle can be checked until {_date(h.expires)}.", 10, color=_MUTED)
        if h.domain:
            self.line_text(f"Prepared for: {h.domain}", 10, color=_MUTED)
        self.line_text(f"Holder: {h.holder}", 7.5, color=_MUTED, height=4)
        self.ln(4)
        for number, item in enumerate(items, 1):
            self._item(number, item, issued_to=not h.holder_name)
        self.ln(2)
        where = "the next page" if codes <= 4 else "the following pages"  # four codes fit on a page
        self.line_text(f"{len(items)} credential{'s' if len(items) != 1 else ''}. Scan the "
                       f"code{'' if codes == 1 else 's'} on {where} to check the signatures yourself.",
                       9, color=_MUTED)

    def _item(self, number: int, item: SheetItem, *, issued_to: bool) -> None:
        if self.will_page_break(30):
            self.add_page()
        top = self.get_y()
        self.set_x(self.l_margin + 4)
        self.font(12.5, bold=True)
        self.multi_cell(0, 6.2, self.text_of(f"{number}. {item.title}"), new_x="LMARGIN", new_y="NEXT")
        facts = [f"Issued by {item.issuer}" if item.issuer else "Issuer not named"]
        if item.issued:
            facts.append(f"on {_date(item.issued)}")
        lines = [" ".join(facts)]
        details = [d for d in (item.kind, _credits(item.credits, item.credits_unit),
                               f"Valid until {_date(item.valid_until)}" if item.valid_until else "") if d]
        if details:
            lines.append(" · ".join(details) if self._unicode else " - ".join(details))
        if issued_to and item.subject:
            lines.append(f"Issued to: {item.subject}")
        for line in lines:
            self.set_x(self.l_margin + 4)
            self.line_text(line, 10)
        self.set_x(self.l_margin + 4)
        mark = "✔ " if item.status_ok and self._unicode else ("✖ " if self._unicode else "")
        self.line_text(f"{mark}{item.status}", 10, bold=True, color=_GOOD if item.status_ok else _BAD)
        bottom = self.get_y() + 1.5
        self.set_draw_color(*(_GOOD if item.status_ok else _BAD))
        self.set_line_width(0.8)
        self.line(self.l_margin + 0.5, top + 0.5, self.l_margin + 0.5, bottom - 1)
        self.set_y(bottom + 3)

    # -- the codes

    def code_pages(self, payload: Payload) -> None:
        images = [png_bytes(matrix(text), scale=4) for text in payload.texts]
        if payload.kind == "whole":
            self._codes_page(images, "Scan this code to check the bundle", size=120, columns=1)
        elif payload.kind == "parts":
            for start in range(0, len(images), 4):
                every = "both codes" if len(images) == 2 else f"all {len(images)} codes"
                self._codes_page(images[start:start + 4], f"Scan {every}, in any order",
                                 size=82, columns=2, first=start, total=len(images))
        else:
            self._codes_page(images, "Scan this code together with the bundle file", size=90, columns=1)
            name = self.head.file_name or "the bundle file (.json)"
            self.line_text(f"The bundle is too large for QR codes on paper. This code holds the fingerprint "
                           f"of {name}; the holder gives you that file, and the checker confirms the two match.",
                           10)
            self.line_text(f"SHA-256: {payload.sha256}", 8, color=_MUTED, height=4.2)

    def _codes_page(self, images: list[bytes], title: str, *, size: float, columns: int, first: int = 0,
                    total: int = 0) -> None:
        self.add_page()
        self.line_text(title, 15, bold=True, height=8)
        self.ln(3)
        gap = (self.epw - columns * size) / max(columns, 1)
        y0 = self.get_y()
        for k, png in enumerate(images):
            row, col = divmod(k, columns)
            x = self.l_margin + gap / 2 + col * (size + gap)
            y = y0 + row * (size + 12)
            self.image(io.BytesIO(png), x=x, y=y, w=size, h=size)
            if total > 1:
                self.set_xy(x, y + size + 0.5)
                self.font(10, bold=True, color=_MUTED)
                self.cell(size, 5, self.text_of(f"Part {first + k + 1} of {total}"), align="C")
        self.set_y(y0 + ((len(images) + columns - 1) // columns) * (size + 12))
