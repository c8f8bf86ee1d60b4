"""Baked badges: the credential text hidden inside a PNG or SVG picture.

PNG (Open Badges baking, 2.0 and 3.0): an ``iTXt`` chunk whose keyword is
``openbadges`` (OB 2.0) or ``openbadgecredential`` (OB 3.0) holds the JSON, or a
compact JWS; very old badges put a hosted-assertion URL in a ``tEXt`` chunk. The chunk
reader below is our own and bounded: every length is checked against the file, the
text against :data:`MAX_TEXT_BYTES`, and a compressed ``iTXt`` is inflated at most that
far, so a decompression bomb stops early.

SVG: an ``<openbadges:assertion>`` (OB 2.0) or ``<openbadges:credential>`` (OB 3.0)
element with the JSON in CDATA, or the JWS in its ``verify`` attribute. Entity
declarations and internal DTD subsets are refused before parsing (no entity expansion,
no external entities: billion laughs and XXE never reach the parser), external DTDs
are never loaded, and element nesting is capped while parsing.
"""

from __future__ import annotations

import re
import zlib
from xml.etree import ElementTree

from wallet.errors import InputTooLarge, MalformedCredential, UnsupportedFormat
from wallet.formats.detect import MAX_TEXT_BYTES, PNG_MAGIC, text_of

PNG_KEYWORDS = ("openbadges", "openbadgecredential")
SVG_ELEMENTS = ("assertion", "credential")
MAX_XML_DEPTH = 256
_NO_BADGE = "This picture has no badge baked into it."
_PNG_DAMAGED = "This picture is damaged: the file is cut short or broken."
_SVG_DAMAGED = "This SVG picture is damaged and cannot be read."
# A DOCTYPE that only names the public SVG DTD (drawing programs write one) is harmless:
# the parser never loads external DTDs. An internal subset or any ENTITY is refused.
_DANGEROUS_DTD = re.compile(r"<!\s*ENTITY|<!\s*DOCTYPE[^>\[]*\[", re.IGNORECASE)


# ---------------------------------------------------------------- PNG

def png_text(data: bytes) -> str:
    """The badge text baked into a PNG; the whole chunk sequence must be intact."""
    if not data.startswith(PNG_MAGIC):
        raise UnsupportedFormat("This file is not a PNG picture.", "missing PNG signature")
    found: str | None = None
    for ctype, body, crc_ok in _chunks(data):
        if found is None and ctype in (b"iTXt", b"tEXt"):
            keyword, _, rest = body.partition(b"\x00")
            if keyword.decode("latin-1").lower() in PNG_KEYWORDS:
                if not crc_ok:
                    raise MalformedCredential(_PNG_DAMAGED, f"CRC mismatch in {ctype.decode()} chunk")
                found = _itxt_text(rest) if ctype == b"iTXt" else _text(rest.decode("latin-1"))
    if found is None:
        raise UnsupportedFormat(_NO_BADGE, "no iTXt/tEXt chunk with keyword openbadges or openbadgecredential")
    return found


def _chunks(data: bytes):
    """(type, body, crc matches) for each chunk, up to and including IEND."""
    pos = len(PNG_MAGIC)
    size = len(data)
    while True:
        if pos + 8 > size:
            raise MalformedCredential(_PNG_DAMAGED, f"file ends inside a chunk header at byte {pos}")
        length = int.from_bytes(data[pos:pos + 4], "big")
        ctype = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > size:
            raise MalformedCredential(_PNG_DAMAGED, f"chunk {ctype!r} of {length} bytes runs past the end ({size})")
        body = data[pos + 8:pos + 8 + length]
        crc = int.from_bytes(data[end - 4:end], "big")
        yield ctype, body, zlib.crc32(ctype + body) == crc
        if ctype == b"IEND":
            return
        pos = end


def _itxt_text(rest: bytes) -> str:
    """The text of an iTXt chunk after its keyword: flags, language, translated keyword, text."""
    if len(rest) < 2:
        raise MalformedCredential(_PNG_DAMAGED, "iTXt chunk too short")
    compressed, method = rest[0], rest[1]
    language, sep1, rest = rest[2:].partition(b"\x00")
    _translated, sep2, text = rest.partition(b"\x00")
    if not (sep1 and sep2):
        raise MalformedCredential(_PNG_DAMAGED, "iTXt chunk lacks its separators")
    if compressed:
        if method != 0:
            raise MalformedCredential(_PNG_DAMAGED, f"iTXt compression method {method}")
        text = _inflate(text)
    if len(text) > MAX_TEXT_BYTES:
        raise InputTooLarge("The badge baked into this picture is too large.", f"{len(text)} bytes")
    try:
        return _text(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MalformedCredential(_PNG_DAMAGED, f"iTXt text is not UTF-8: {exc}") from exc


def _inflate(blob: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise MalformedCredential(_PNG_DAMAGED, f"zlib: {exc}") from exc
    if len(out) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise InputTooLarge(
            "The badge baked into this picture unpacks to far more data than a credential holds.",
            f"compressed iTXt inflates past {MAX_TEXT_BYTES} bytes (decompression bomb)",
        )
    if not inflater.eof:
        raise MalformedCredential(_PNG_DAMAGED, "compressed iTXt text is cut short")
    return out


def _text(text: str) -> str:
    text = text.strip()
    if not text:
        raise MalformedCredential("The badge baked into this picture is empty.", "empty openbadges chunk")
    return text


# ---------------------------------------------------------------- SVG

def svg_text(data: bytes) -> str:
    """The badge text baked into an SVG: the element's CDATA, else its ``verify`` attribute."""
    markup = text_of(data)
    if _DANGEROUS_DTD.search(markup):
        raise UnsupportedFormat(
            "This SVG picture contains a document type declaration, which the wallet refuses for safety.",
            "<!DOCTYPE with an internal subset, or <!ENTITY (entity expansion / external entities refused)",
        )
    root = _parse_svg(markup)
    for element in root.iter():
        namespace, _, local = element.tag.rpartition("}")
        if local in SVG_ELEMENTS and _is_badge_namespace(namespace.lstrip("{")):
            return _element_text(element)
    raise UnsupportedFormat(_NO_BADGE, "no <openbadges:assertion> or <openbadges:credential> element")


def _is_badge_namespace(namespace: str) -> bool:
    lowered = namespace.lower()
    return "openbadges" in lowered or "imsglobal" in lowered


def _parse_svg(markup: str) -> ElementTree.Element:
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    depth = 0
    step = 1 << 16
    root: ElementTree.Element | None = None
    try:
        for offset in range(0, len(markup), step):
            parser.feed(markup[offset:offset + step])
            for event, element in parser.read_events():
                if root is None:
                    root = element
                depth += 1 if event == "start" else -1
                if depth > MAX_XML_DEPTH:
                    raise InputTooLarge(
                        "This SVG picture is nested too deeply to be a badge.",
                        f"element depth > {MAX_XML_DEPTH}",
                    )
        parser.close()
    except ElementTree.ParseError as exc:
        raise MalformedCredential(_SVG_DAMAGED, f"XML: {exc}") from exc
    if root is None:
        raise MalformedCredential(_SVG_DAMAGED, "no root element")
    return root


def _element_text(element: ElementTree.Element) -> str:
    body = (element.text or "").strip()
    verify = (element.get("verify") or "").strip()
    if verify and not verify.startswith(("http://", "https://")):
        return verify  # a signed badge: the JWS is what the issuer signed
    if body:
        if len(body.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InputTooLarge("The badge baked into this picture is too large.", f"{len(body)} characters")
        return body
    if verify:
        return verify  # a hosted badge that only points to its assertion
    raise MalformedCredential("The badge baked into this picture is empty.", f"empty <{element.tag}>")
