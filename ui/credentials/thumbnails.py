"""Small pictures of credentials for the list and the detail pane.

A badge's own picture comes from, in order: the baked image it arrived in (PNG or
SVG, the original bytes), or an image the credential embeds as a ``data:`` URI. Images
behind https URLs are not fetched (offline first): a drawn placeholder stands in.
Decoding is bounded (size of the input, pixels of the output) because the bytes come
from files a learner received from anyone.
"""

from __future__ import annotations

import base64
import binascii
import logging
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QImageReader, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ui.icons import icon
from wallet.credential import Credential, Envelope

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_PIXELS = 4096 * 4096


def image_bytes(cred: Credential) -> bytes | None:
    """The picture's bytes, when the wallet holds them; ``None`` otherwise."""
    if cred.envelope in (Envelope.PNG, Envelope.SVG):
        return cred.raw
    uri = cred.summary.image
    if not uri.startswith("data:") or "," not in uri:
        return None
    header, payload = uri[5:].split(",", 1)
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        if header.endswith(";base64"):
            return base64.b64decode(payload, validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def render(data: bytes, size: int) -> QPixmap | None:
    """``data`` (PNG, JPEG, GIF, WebP or SVG) drawn into a ``size`` square; None if unusable."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        return None
    if _looks_like_svg(data):
        return _render_svg(data, size)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    natural = reader.size()
    if not natural.isValid() or natural.width() * natural.height() > MAX_PIXELS:
        return None
    reader.setScaledSize(natural.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return _centred(QPixmap.fromImage(image), size)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head


def _render_svg(data: bytes, size: int) -> QPixmap | None:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        return None  # no DTDs or entities: a badge picture never needs them
    renderer = QSvgRenderer(QByteArray(data))
    if not renderer.isValid():
        return None
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)


def _centred(pixmap: QPixmap, size: int) -> QPixmap:
    if pixmap.width() == size and pixmap.height() == size:
        return pixmap
    canvas = QPixmap(size, size)
    canvas.fill(Qt.GlobalColor.transparent)
    painter = QPainter(canvas)
    painter.drawPixmap((size - pixmap.width()) // 2, (size - pixmap.height()) // 2, pixmap)
    painter.end()
    return canvas


class ThumbnailCache:
    """Pictures by credential id, made on first use and kept for the session."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._icons: dict[str, QIcon] = {}
        self._placeholder = icon("badge-placeholder")

    def icon_for(self, cred: Credential) -> QIcon:
        found = self._icons.get(cred.id)
        if found is None:
            found = self._make(cred)
            self._icons[cred.id] = found
        return found

    def pixmap_for(self, cred: Credential, size: int) -> QPixmap:
        data = image_bytes(cred)
        pixmap = render(data, size) if data else None
        return pixmap or self._placeholder.pixmap(size, size)

    def _make(self, cred: Credential) -> QIcon:
        data = image_bytes(cred)
        pixmap = render(data, self.size) if data else None
        return QIcon(pixmap) if pixmap else self._placeholder

    def forget(self, cred_id: str) -> None:
        self._icons.pop(cred_id, None)
