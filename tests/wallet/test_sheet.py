"""The printable sheet: readable text for people, codes that scan back from paper.

Pages are rendered and their text read with pypdfium2 (a wheel with PDFium inside, so
these tests need no system tools), and the codes decoded with zxing-cpp as a phone would.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from wallet import qr
from wallet.credential import Credential, CredentialId, Envelope, Format, Summary
from wallet.bundle import holder_name
from wallet.sheet import SheetHeader, SheetItem, render_sheet

WHEN = datetime(2026, 6, 1, tzinfo=timezone.utc)
HOLDER = "did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA"


def header(**kw) -> SheetHeader:
    kw.setdefault("holder_name", "Chiara Costa")
    return SheetHeader(holder=HOLDER, created=WHEN, expires=datetime(2026, 7, 1, tzinfo=timezone.utc), **kw)


def items(n: int) -> list[SheetItem]:
    return [SheetItem(title=f"Ενδιάμεσο επίπεδο – Cyber Security {i}", issuer="Open University of Testland",
                      status="Verified when shared" if i % 2 else "Not verified: the signature does not match",
                      status_ok=bool(i % 2), subject="Chiara Costa", kind="Open Badge 3.0",
                      issued=datetime(2025, 3, 10, tzinfo=timezone.utc), credits=5, credits_unit="ECTS")
            for i in range(n)]


def vp(interop: Path, n: int) -> dict:
    files = sorted((interop / "peer-vcjs" / "stack").glob("*.json"))[:n]
    return {"type": ["VerifiablePresentation"], "verifiableCredential": [json.loads(f.read_text()) for f in files]}


def pages_of(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[Path]:
    """Each page as a PNG, as a scanner or a phone photo of the paper would give it."""
    document = pdfium.PdfDocument(pdf)
    try:
        paths = []
        for number in range(len(document)):
            path = tmp_path / f"page-{number + 1}.png"
            document[number].render(scale=dpi / 72).to_pil().convert("L").save(path)
            paths.append(path)
        return paths
    finally:
        document.close()


def text_of(pdf: bytes) -> list[str]:
    """The text of each page, as a copy-paste gets it, with its line breaks made spaces."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [" ".join(document[n].get_textpage().get_text_range().split()) for n in range(len(document))]
    finally:
        document.close()


def test_sheet_is_a_pdf_with_summary_and_code_pages(interop: Path) -> None:
    payload = qr.encode_presentation(vp(interop, 10))
    pdf = render_sheet(items(10), payload, header(domain="https://jobs.example.org"))
    assert pdf.startswith(b"%PDF-")
    pages = text_of(pdf)
    assert len(pages) >= 1 + -(-payload.count // 4)
    labels = [f"Part {i} of {payload.count}" for i in range(1, payload.count + 1)]
    assert all(any(label in page for page in pages) for label in labels)


@pytest.mark.parametrize("n", [1, 10])
def test_printed_codes_scan_back_to_the_bundle(interop: Path, tmp_path: Path, n: int) -> None:
    document = vp(interop, n)
    payload = qr.encode_presentation(document)
    pages = pages_of(render_sheet(items(n), payload, header()), tmp_path)
    assert qr.decode_texts(qr.read_images(pages)).document == document


def test_printed_codes_scan_from_a_coarse_scan(interop: Path, tmp_path: Path) -> None:
    """A 100 dpi office scan still reads: each module is then about 1.3 pixels wide."""
    document = vp(interop, 3)
    payload = qr.encode_presentation(document)
    pages = pages_of(render_sheet(items(3), payload, header()), tmp_path, dpi=100)
    assert qr.decode_texts(qr.read_images(pages)).document == document


def test_file_reference_sheet_names_the_file(interop: Path, tmp_path: Path) -> None:
    document = vp(interop, 10)
    payload = qr.encode_presentation(document, max_parts=1)
    pdf = render_sheet(items(2), payload, header(file_name="credentials-2026-06-01-10.json"))
    decoded = qr.decode_texts(qr.read_images(pages_of(pdf, tmp_path)))
    assert decoded.sha256 == payload.sha256
    codes_page = text_of(pdf)[-1]
    assert "credentials-2026-06-01-10.json" in codes_page and payload.sha256 in codes_page


def test_summary_page_reads_well(interop: Path) -> None:
    """Page one says, in words, what each credential is, who issued it and how it stood."""
    payload = qr.encode_presentation(vp(interop, 1))
    first = text_of(render_sheet(items(3), payload, header(domain="https://jobs.example.org")))[0]
    assert first.startswith("Shared credentials")
    assert "Shared by Chiara Costa (did:key:z6MkfrQz…mqYA) on 1 June 2026" in first
    assert "The bundle can be checked until 1 July 2026." in first and "Prepared for: https://jobs.example.org" in first
    for i in range(3):
        assert f"{i + 1}. Ενδιάμεσο επίπεδο – Cyber Security {i}" in first
    assert first.count("Issued by Open University of Testland on 10 March 2025") == 3
    assert "Open Badge 3.0 · 5 ECTS" in first
    assert first.count("Verified when shared") == 1
    assert first.count("Not verified: the signature does not match") == 2
    assert "Issued to:" not in first  # the holder is named once, at the top
    assert "3 credentials. Scan the code on the next page to check the signatures yourself." in first


def test_a_sheet_names_the_signer_by_its_did_when_the_credentials_do_not(interop: Path) -> None:
    payload = qr.encode_presentation(vp(interop, 1))
    first = text_of(render_sheet(items(2), payload, header(holder_name="")))[0]
    assert "Shared by did:key:z6MkfrQz…mqYA on 1 June 2026" in first
    assert "Shared by Chiara" not in first
    assert first.count("Issued to: Chiara Costa") == 2
    assert f"Holder: {HOLDER}" in first


def _held(subject_id: str, name: str, fmt: Format = Format.OB3) -> Credential:
    return Credential(id=CredentialId("0" * 64), raw=b"{}", envelope=Envelope.JSON, format=fmt, signed="{}",
                      summary=Summary(title="A badge", subject_id=subject_id, subject_name=name))


def test_a_name_is_the_holders_only_when_every_credential_was_issued_to_the_holder() -> None:
    other = "did:example:someone-else"
    assert holder_name(HOLDER, [_held(HOLDER, "Chiara Costa"), _held(HOLDER, "Chiara Costa")]) == "Chiara Costa"
    assert holder_name(HOLDER, [_held(other, "Chiara Costa")]) == ""  # issued to another identifier
    assert holder_name(HOLDER, [_held(HOLDER, "Chiara Costa"), _held(other, "Chiara Costa")]) == ""
    assert holder_name(HOLDER, [_held(HOLDER, "Chiara Costa"), _held(HOLDER, "C. Costa")]) == ""  # they disagree
    assert holder_name(HOLDER, [_held("", "Chiara Costa")]) == ""  # no subject id at all
    endorsement = _held("https://college.example/achievements/1", "", Format.ENDORSEMENT)
    assert holder_name(HOLDER, [_held(HOLDER, "Chiara Costa"), endorsement]) == "Chiara Costa"
    assert holder_name(HOLDER, [endorsement]) == ""
    assert holder_name("", [_held("", "Chiara Costa")]) == ""


def test_without_a_unicode_font_the_sheet_still_renders(interop: Path, monkeypatch) -> None:
    import wallet.sheet as sheet_module

    monkeypatch.setattr(sheet_module, "_FONT_DIRS", ())
    pdf = render_sheet(items(2), qr.encode_presentation(vp(interop, 1)), header(holder_name=""))
    assert pdf.startswith(b"%PDF-") and b"Helvetica" in pdf
    assert "Shared by did:key:z6MkfrQz...mqYA on 1 June 2026" in text_of(pdf)[0]
