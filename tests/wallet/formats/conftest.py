"""Fixtures for the format tests: corpus files, and badges baked here with Pillow.

The baked pictures are made by Pillow's own PNG writer (``PngInfo.add_itxt``) around a
real picture Pillow draws, so the chunk reader under test is checked against an
independent writer, not against itself.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


def _picture() -> Image.Image:
    image = Image.new("RGBA", (96, 96), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 92, 92), fill=(30, 90, 160, 255), outline=(10, 40, 90, 255), width=4)
    draw.polygon([(48, 18), (58, 42), (84, 42), (62, 58), (70, 82), (48, 66), (26, 82), (34, 58), (12, 42), (38, 42)],
                 fill=(250, 200, 40, 255))
    return image


def bake_png(text: str | bytes | None, *, keyword: str = "openbadges", compressed: bool = False,
             chunk: str = "iTXt") -> bytes:
    """A badge picture with ``text`` baked in (no chunk at all when ``text`` is None).

    ``chunk`` "tEXt" writes Latin-1 text, or ``text``'s bytes as they are; "zTXt" is a
    compressed tEXt."""
    info = PngInfo()
    if text is not None:
        if chunk == "iTXt":
            info.add_itxt(keyword, text, zip=compressed)
        else:
            info.add_text(keyword, text, zip=chunk == "zTXt")
    out = io.BytesIO()
    _picture().save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def png_chunk(ctype: bytes, body: bytes) -> bytes:
    """One raw PNG chunk, for hand-made hostile pictures."""
    return len(body).to_bytes(4, "big") + ctype + body + zlib.crc32(ctype + body).to_bytes(4, "big")


def insert_chunk(png: bytes, chunk: bytes) -> bytes:
    """``png`` with ``chunk`` inserted right after IHDR."""
    ihdr_end = 8 + 12 + int.from_bytes(png[8:12], "big")
    return png[:ihdr_end] + chunk + png[ihdr_end:]


OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"


def bake_svg(text: str, *, element: str = "assertion", namespace: str = OB2_NS, in_verify: bool = False,
             verify: str = "") -> bytes:
    """An SVG badge with ``text`` in CDATA (or in the ``verify`` attribute)."""
    if in_verify:
        inner = f'<openbadges:{element} verify="{text}"></openbadges:{element}>'
    else:
        attr = f' verify="{verify}"' if verify else ""
        inner = f"<openbadges:{element}{attr}><![CDATA[{text}]]></openbadges:{element}>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{namespace}" width="96" height="96" '
        'viewBox="0 0 96 96">\n'
        f"  {inner}\n"
        '  <circle cx="48" cy="48" r="44" fill="#1e5aa0" stroke="#0a285a" stroke-width="4"/>\n'
        '  <text x="48" y="56" text-anchor="middle" fill="#fac828" font-size="24">OB</text>\n'
        "</svg>\n"
    ).encode("utf-8")


@pytest.fixture
def stack_credential(interop: Path) -> bytes:
    return (interop / "peer-vcjs/stack/ou-cs-1.json").read_bytes()


@pytest.fixture
def ob2_signed(interop: Path) -> str:
    return (interop / EDTECH / "ob20/simple.jwt").read_text().strip()


@pytest.fixture
def bake() -> SimpleNamespace:
    """The baking helpers above, for tests: bake.png(...), bake.svg(...), bake.chunk(...), bake.insert(...)."""
    return SimpleNamespace(png=bake_png, svg=bake_svg, chunk=png_chunk, insert=insert_chunk,
                           OB2_NS=OB2_NS, OB3_NS=OB3_NS)
