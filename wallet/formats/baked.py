"""Baked badges: the credential text hidden inside a PNG or SVG picture.

PNG (Open Badges baking, 2.0 and 3.0): an ``iTXt`` chunk whose keyword is
``openbadges`` (OB 2.0) or ``openbadgecredential`` (OB 3.0) holds the JSON, or a
compact JWS; very old badges put a hosted-assertion URL in a ``tEXt`` chunk, and a
``zTXt`` (compressed ``tEXt``) is read too. The chunk reader below is our own and
bounded: every length is checked against the file, the text of every kind of chunk
against :data:`MAX_TEXT_BYTES`, and compressed text is inflated at most that far, so a
decompression bomb stops early.

Text encodings: ``iTXt`` is UTF-8. ``tEXt`` and ``zTXt`` are Latin-1 by the PNG
specification; but a badge baker that wrote UTF-8 there meant UTF-8 (Latin-1 text
almost never happens to be valid UTF-8 with accents in it), so text that is valid
UTF-8 is read as UTF-8, and anything else as Latin-1. Plain ASCII, which is what a
hosted-badge URL or escaped JSON is, reads the same either way.

SVG: an ``<openbadges:assertion>`` (OB 2.0) or ``<openbadges:credential>`` (OB 3.0)
element with the JSON in CDATA, or the JWS in its ``verify`` attribute. The picture is
read as a stream by expat with our own handlers, which keep only the badge element's
text: an internal DTD subset or any entity declaration is refused as soon as the
parser meets it (no entity expansion, no external entities: billion laughs and XXE
never get further), external DTDs are never loaded, element nesting and the number of
elements are capped, and reading stops at the end of the badge element.
"""

from __future__ import annotations

import zlib
from xml.parsers import expat

from wallet.errors import InputTooLarge, MalformedCredential, UnsupportedFormat
from wallet.formats.detect import MAX_TEXT_BYTES, PNG_MAGIC, text_of

PNG_KEYWORDS = ("openbadges", "openbadgecredential")
SVG_ELEMENTS = ("assertion", "credential")
MAX_XML_DEPTH = 256
MAX_XML_ELEMENTS = 100_000  # a detailed badge drawing has a few thousand
_NO_BADGE = "This picture has no badge baked into it."
_PNG_DAMAGED = "This picture is damaged: the file is cut short or broken."
_SVG_DAMAGED = "This SVG picture is damaged and cannot be read."
_TOO_LARGE = "The badge baked into this picture is too large."
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
_SVG_CHUNK_CHARS = 1 << 16


# ---------------------------------------------------------------- PNG

def png_text(data: bytes) -> str:
    """The badge text baked into a PNG; the whole chunk sequence must be intact."""
    if not data.startswith(PNG_MAGIC):
        raise UnsupportedFormat("This file is not a PNG picture.", "missing PNG signature")
    found: str | None = None
    for ctype, body, crc_ok in _chunks(data):
        if found is None and ctype in _TEXT_CHUNKS:
            keyword, _, rest = body.partition(b"\x00")
            if keyword.decode("latin-1").lower() in PNG_KEYWORDS:
                if not crc_ok:
                    raise MalformedCredential(_PNG_DAMAGED, f"CRC mismatch in {ctype.decode()} chunk")
                found = _text(_chunk_text(ctype, rest))
    if found is None:
        raise UnsupportedFormat(_NO_BADGE, "no iTXt/tEXt/zTXt chunk with keyword openbadges or openbadgecredential")
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


def _chunk_text(ctype: bytes, rest: bytes) -> str:
    """The text of a text chunk after its keyword, inflated and size-checked."""
    if ctype == b"iTXt":
        return _itxt_text(rest)
    if ctype == b"zTXt":
        if not rest or rest[0] != 0:
            raise MalformedCredential(_PNG_DAMAGED, "zTXt chunk without compression method 0")
        rest = _inflate(rest[1:], ctype)
    _check_text_size(rest, ctype)
    return _latin1_text(rest)


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
        text = _inflate(text, b"iTXt")
    _check_text_size(text, b"iTXt")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedCredential(_PNG_DAMAGED, f"iTXt text is not UTF-8: {exc}") from exc


def _latin1_text(text: bytes) -> str:
    """tEXt / zTXt text: Latin-1 by the PNG specification, unless it is valid UTF-8
    (a baker that wrote UTF-8 meant it; see the module docstring)."""
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        return text.decode("latin-1")


def _check_text_size(text: bytes, ctype: bytes) -> None:
    if len(text) > MAX_TEXT_BYTES:
        raise InputTooLarge(_TOO_LARGE, f"{ctype.decode()} text of {len(text)} bytes > {MAX_TEXT_BYTES}")


def _inflate(blob: bytes, ctype: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, MAX_TEXT_BYTES + 1)
    except zlib.error as exc:
        raise MalformedCredential(_PNG_DAMAGED, f"zlib: {exc}") from exc
    if len(out) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise InputTooLarge(
            "The badge baked into this picture unpacks to far more data than a credential holds.",
            f"compressed {ctype.decode()} inflates past {MAX_TEXT_BYTES} bytes (decompression bomb)",
        )
    if not inflater.eof:
        raise MalformedCredential(_PNG_DAMAGED, f"compressed {ctype.decode()} text is cut short")
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
    finder = _BadgeFinder()
    parser = finder.parser()
    try:
        for offset in range(0, len(markup), _SVG_CHUNK_CHARS):
            parser.Parse(markup[offset:offset + _SVG_CHUNK_CHARS], False)
        parser.Parse("", True)
    except _Found:
        return _element_text(finder.tag, "".join(finder.text), finder.verify)
    except expat.ExpatError as exc:
        raise MalformedCredential(_SVG_DAMAGED, f"XML: {exc}") from exc
    raise UnsupportedFormat(_NO_BADGE, "no <openbadges:assertion> or <openbadges:credential> element")


class _Found(Exception):
    """The badge element has ended: stop reading the picture."""


class _BadgeFinder:
    """Expat handlers that keep only the badge element and refuse what no badge needs."""

    def __init__(self) -> None:
        self.depth = 0
        self.elements = 0
        self.badge_depth = 0  # the badge element's depth while inside it, else 0
        self.tag = ""
        self.verify = ""
        self.text: list[str] = []
        self.text_chars = 0

    def parser(self) -> "expat.XMLParserType":
        parser = expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        return parser

    def doctype(self, name: str, _system_id: str | None, _public_id: str | None, has_internal_subset: int) -> None:
        # A DOCTYPE that only names the public SVG DTD (drawing programs write one) is
        # harmless: the parser never loads external DTDs. An internal subset is refused.
        if has_internal_subset:
            raise _dtd_refused(f"<!DOCTYPE {name} [...]> with an internal subset")

    def entity(self, name: str, *_args: object) -> None:
        raise _dtd_refused(f"<!ENTITY {name} ...> (entity expansion / external entities refused)")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_XML_DEPTH:
            raise InputTooLarge("This SVG picture is nested too deeply to be a badge.",
                                f"element depth > {MAX_XML_DEPTH}")
        if self.elements > MAX_XML_ELEMENTS:
            raise InputTooLarge("This SVG picture has far more parts than a badge picture.",
                                f"more than {MAX_XML_ELEMENTS} elements")
        if not self.badge_depth and _is_badge_element(name):
            self.badge_depth, self.tag = self.depth, name
            self.verify = attributes.get("verify", "")

    def end(self, _name: str) -> None:
        if self.depth == self.badge_depth:
            raise _Found
        self.depth -= 1

    def characters(self, data: str) -> None:
        if self.badge_depth:
            self.text_chars += len(data)
            if self.text_chars > MAX_TEXT_BYTES:
                raise InputTooLarge(_TOO_LARGE, f"more than {MAX_TEXT_BYTES} characters in <{self.tag}>")
            self.text.append(data)


def _dtd_refused(detail: str) -> UnsupportedFormat:
    return UnsupportedFormat(
        "This SVG picture contains a document type declaration, which the wallet refuses for safety.", detail)


def _is_badge_element(name: str) -> bool:
    namespace, _, local = name.rpartition("}")
    lowered = namespace.lower()
    return local in SVG_ELEMENTS and ("openbadges" in lowered or "imsglobal" in lowered)


def _element_text(tag: str, text: str, verify: str) -> str:
    body, verify = text.strip(), verify.strip()
    if verify and not verify.startswith(("http://", "https://")):
        return verify  # a signed badge: the JWS is what the issuer signed
    if body:
        if len(body.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InputTooLarge(_TOO_LARGE, f"{len(body)} characters")
        return body
    if verify:
        return verify  # a hosted badge that only points to its assertion
    raise MalformedCredential("The badge baked into this picture is empty.", f"empty <{tag}>")
