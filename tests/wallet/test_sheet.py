"""The printable sheet: readable text for people, codes that scan back from paper."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from wallet import qr
from wallet.sheet import SheetHeader, SheetItem, render_sheet

WHEN = datetime(2026, 6, 1, tzinfo=timezone.utc)


def header(**kw) -> SheetHeader:
    return SheetHeader(holder="did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA", created=WHEN,
                       expires=datetime(2026, 7, 1, tzinfo=timezone.utc), holder_name="Chiara Costa", **kw)


def items(n: int) -> list[SheetItem]:
    return [SheetItem(title=f"Ενδιάμεσο επίπεδο – Cyber Security {i}", issuer="Open University of Testland",
                      status="Verified when shared" if i % 2 else "Not verified: the signature does not match",
                      status_ok=bool(i % 2), subject="Chiara Costa", kind="Open Badge 3.0",
                      issued=datetime(2025, 3, 10, tzinfo=timezone.utc), credits=5, credits_unit="ECTS")
            for i in range(n)]


def vp(interop: Path, n: int) -> dict:
    files = sorted((interop / "peer-vcjs" / "stack").glob("*.json"))[:n]
    return {"type": ["VerifiablePresentation"], "verifiableCredential": [json.loads(f.read_text()) for f in files]}


def test_sheet_is_a_pdf_with_summary_and_code_pages(interop: Path) -> None:
    payload = qr.encode_presentation(vp(interop, 10))
    pdf = render_sheet(items(10), payload, header(domain="https://jobs.example.org"))
    assert pdf.startswith(b"%PDF-")
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    assert pages >= 1 + -(-payload.count // 4)


def _rasterise(pdf: bytes, tmp_path: Path) -> list[Path]:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
                   check=True)
    return sorted(tmp_path.glob("page-*.png"))


@pytest.mark.parametrize("n", [1, 10])
def test_printed_codes_scan_back_to_the_bundle(interop: Path, tmp_path: Path, n: int) -> None:
    document = vp(interop, n)
    payload = qr.encode_presentation(document)
    pages = _rasterise(render_sheet(items(n), payload, header()), tmp_path)
    assert qr.decode_texts(qr.read_images(pages)).document == document


def test_file_reference_sheet_names_the_file(interop: Path, tmp_path: Path) -> None:
    document = vp(interop, 10)
    payload = qr.encode_presentation(document, max_parts=1)
    pdf = render_sheet(items(2), payload, header(file_name="credentials-2026-06-01-10.json"))
    pages = _rasterise(pdf, tmp_path)
    decoded = qr.decode_texts(qr.read_images(pages))
    assert decoded.sha256 == payload.sha256


def test_summary_page_reads_well(interop: Path, tmp_path: Path) -> None:
    """Page one is mostly white with dark text: a sanity check that it rendered at all."""
    payload = qr.encode_presentation(vp(interop, 1))
    first = _rasterise(render_sheet(items(3), payload, header()), tmp_path)[0]
    image = Image.open(first).convert("L")
    dark = sum(image.histogram()[:128]) / (image.width * image.height)
    assert 0.002 < dark < 0.2


def test_without_a_unicode_font_the_sheet_still_renders(interop: Path, monkeypatch) -> None:
    import wallet.sheet as sheet_module

    monkeypatch.setattr(sheet_module, "_FONT_DIRS", ())
    pdf = render_sheet(items(2), qr.encode_presentation(vp(interop, 1)), header())
    assert pdf.startswith(b"%PDF-") and b"Helvetica" in pdf
