"""Badge pictures: the credential's own image when the wallet holds it, bounded decoding."""

from __future__ import annotations

import base64
import struct
import zlib

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QColor, QImage

from tests.ui.conftest import make_credential
from ui.credentials.thumbnails import ThumbnailCache, image_bytes, render
from wallet.credential import Credential, Envelope, Format, Summary, content_id


def _png(width: int = 20, height: int = 10, colour: str = "#d03030") -> bytes:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(colour))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def _with_image(uri: str) -> Credential:
    raw = b'{"name": "Pictured"}'
    return Credential(content_id(raw), raw, Envelope.JSON, Format.OB3, raw.decode(),
                      Summary(title="Pictured", image=uri))


def test_embedded_data_uri_is_drawn_in_a_square():
    cred = _with_image("data:image/png;base64," + base64.b64encode(_png()).decode())
    pixmap = render(image_bytes(cred), 32)
    assert pixmap.width() == 32 and pixmap.height() == 32
    centre = pixmap.toImage().pixelColor(16, 16)
    assert centre.red() > 180 and centre.green() < 80  # the badge's own red, not the placeholder


def test_baked_badge_uses_its_own_bytes():
    raw = _png(colour="#2040c0")
    cred = Credential(content_id(raw), raw, Envelope.PNG, Format.OB2, "{}", Summary(title="Baked"))
    assert image_bytes(cred) == raw
    assert render(raw, 48).toImage().pixelColor(24, 24).blue() > 150


def test_remote_images_are_not_fetched():
    cred = _with_image("https://example.org/badge.png")
    assert image_bytes(cred) is None
    assert not ThumbnailCache().icon_for(cred).isNull()  # the drawn placeholder


def test_svg_with_entities_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    assert render(laughs, 32) is None
    plain = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    assert render(plain, 32) is not None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_decompression_bomb_is_not_decoded():
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)  # 10 gigapixels, grey
    bomb = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 1_000_000)) + _chunk(b"IEND", b""))
    assert render(bomb, 32) is None


def test_garbage_and_truncated_images_fall_back_quietly():
    assert render(b"not an image at all", 32) is None
    assert render(_png()[:40], 32) is None
    assert render(b"", 32) is None
    cred = make_credential("No picture", "Someone")
    assert not ThumbnailCache().icon_for(cred).isNull()
