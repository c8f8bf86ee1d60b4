"""Sniffing and bounds: decide what a file is before trusting any of it.

Every byte string that reaches the wallet passes through here first. The checks are
cheap and bounded so that hostile input (a 50 MB file, JSON nested 100,000 deep or made
of millions of empty arrays, a PDF renamed to .json) is turned away with one plain
sentence before a parser sees it.

The limits below are documented for learners in docs/cli-json.md ("Limits").
"""

from __future__ import annotations

import json
import re
from array import array
from enum import StrEnum
from itertools import accumulate
from os import PathLike
from pathlib import Path
from typing import Any

from wallet.errors import InputError, InputTooLarge, MalformedCredential, UnsupportedFormat, WalletError

MAX_FILE_BYTES = 16 * 1024 * 1024  # one credential file, baked picture included
MAX_TEXT_BYTES = 8 * 1024 * 1024  # the credential text inside a picture, after decompression
MAX_JSON_DEPTH = 128  # real credentials nest about 12 deep; a CLR in a presentation ~25
# Objects and arrays in one JSON text. The richest real credential in the interop corpus
# has 170; a whole degree's CLR a few thousand. A large embedded image is one long
# string, so it never counts. The cap keeps json.loads (which holds the GIL) short.
MAX_JSON_CONTAINERS = 200_000

_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_SD_JWT = re.compile(r"^ey[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*~")
# A JSON string literal; an unterminated one runs to the end. The loop can stop only
# at a quote or at the end, so a match never fails and never backtracks: linear time.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.?[^"\\]*)*(?:"|\Z)', re.DOTALL)
_BRACKETS_ONLY = bytes(range(256)).translate(None, b"[]{}")
# Opening brackets to +1 and closing ones to -1 as signed bytes, for a C-speed running sum.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")

# Common files that are not credentials, by their first bytes: (magic, what it is).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "This file is a PDF, not a credential."),
    (b"\xff\xd8\xff", "This file is a JPEG picture, not a credential: badges come baked into PNG or SVG pictures."),
    (b"GIF87a", "This file is a GIF picture, not a credential: badges come baked into PNG or SVG pictures."),
    (b"GIF89a", "This file is a GIF picture, not a credential: badges come baked into PNG or SVG pictures."),
    (b"II*\x00", "This file is a TIFF picture, not a credential: badges come baked into PNG or SVG pictures."),
    (b"MM\x00*", "This file is a TIFF picture, not a credential: badges come baked into PNG or SVG pictures."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This file is an older Microsoft Office document, not a credential."),
    (b"\x1f\x8b", "This file is a compressed (gzip) archive, not a credential. Unpack it first."),
    (b"7z\xbc\xaf\x27\x1c", "This file is a 7-Zip archive, not a credential. Unpack it first."),
    (b"Rar!\x1a\x07", "This file is a RAR archive, not a credential. Unpack it first."),
    (b"\x7fELF", "This file is a program, not a credential."),
    (b"SQLite format 3\x00", "This file is a database, not a credential."),
    (b"ID3", "This file is an audio file, not a credential."),
    (b"OggS", "This file is an audio or video file, not a credential."),
)


class Kind(StrEnum):
    """What the bytes of a file are, as far as the wallet is concerned."""

    JSON = "json"
    JWT = "jwt"
    PNG = "png"
    SVG = "svg"


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def check_size(data: bytes, limit: int = MAX_FILE_BYTES, *, what: str = "This file") -> None:
    if len(data) > limit:
        raise InputTooLarge(
            f"{what} is too large to be a credential ({_megabytes(len(data))}; "
            f"the limit is {_megabytes(limit)}).",
            f"{len(data)} bytes > {limit}",
        )


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def sniff(data: bytes) -> Kind:
    """What ``data`` is; raises :class:`UnsupportedFormat` with a plain sentence if nothing we take."""
    check_size(data)
    head = data[:64]
    if data.startswith(PNG_MAGIC):
        return Kind.PNG
    for magic, sentence in _MAGIC:
        if head.startswith(magic):
            raise UnsupportedFormat(sentence, f"magic bytes {head[:8]!r}")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        raise UnsupportedFormat(_zip_sentence(data), "ZIP container")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise UnsupportedFormat(
            "This file is a WebP picture, not a credential: badges come baked into PNG or SVG pictures.",
            "RIFF/WEBP",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(
            "This text file is saved as UTF-16; save it as UTF-8 and import it again.", "UTF-16 byte-order mark"
        )
    text = text_of(data)
    stripped = text.lstrip()
    if not stripped:
        raise UnsupportedFormat("This file is empty.", f"{len(data)} bytes, all blank")
    return _sniff_text(stripped)


def _zip_sentence(data: bytes) -> str:
    window = data[:65536]
    if b"word/" in window:
        return "This file is a Word document, not a credential."
    if b"xl/" in window:
        return "This file is a spreadsheet, not a credential."
    if b"ppt/" in window:
        return "This file is a presentation (slides), not a credential."
    if b"mimetypeapplication/vnd.oasis.opendocument" in window:
        return "This file is an OpenDocument file, not a credential."
    return "This file is a ZIP archive, not a credential. Unpack it and import the files inside."


def _sniff_text(text: str) -> Kind:
    first = text[0]
    if first == "{":
        return Kind.JSON
    if first == "[":
        raise UnsupportedFormat(
            "This JSON file is a list, not a credential.", "top-level JSON value is an array"
        )
    if first == "<":
        return _sniff_markup(text)
    token = text.strip()
    if looks_like_jws(token):
        return Kind.JWT
    if _SD_JWT.match(unwrap_jws(token)):
        raise UnsupportedFormat(
            "This is a selective-disclosure credential (SD-JWT), which this version of the wallet cannot read yet.",
            "compact JWS followed by ~-separated disclosures",
        )
    if re.match(r"^https?://\S+$", token):
        raise UnsupportedFormat(
            "This is a web address, not a credential. Download the credential and import the file.",
            token[:200],
        )
    raise UnsupportedFormat(
        "This text is not a credential the wallet recognises.", f"starts with {text[:40]!r}"
    )


def _sniff_markup(text: str) -> Kind:
    lowered = text[:4096].lower()
    if "<svg" in lowered:
        return Kind.SVG
    if "<html" in lowered or lowered.startswith("<!doctype html"):
        raise UnsupportedFormat("This file is a web page, not a credential.", "HTML markup")
    if "<svg" in text[:MAX_FILE_BYTES].lower():
        return Kind.SVG
    raise UnsupportedFormat("This XML file is not a credential.", "markup without an <svg> element")


def text_of(data: bytes) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark dropped); binary data is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:8192]:
        raise UnsupportedFormat(
            "This file is not a credential: it holds binary data the wallet does not recognise.",
            "NUL bytes in the first 8 KB",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsupportedFormat(
            "This file is not a credential: it holds binary data the wallet does not recognise.",
            f"not UTF-8: {exc}",
        ) from exc


def looks_like_jws(text: str) -> bool:
    """A compact JWS, possibly wrapped over lines (then only if its header is plainly JSON)."""
    token = text.strip()
    if _JWS.match(token):
        return True
    joined = unwrap_jws(token)
    return joined.startswith("ey") and bool(_JWS.match(joined))


def unwrap_jws(text: str) -> str:
    """A compact JWS with any line breaks or spaces (from mail or a text editor) taken out."""
    return "".join(text.split())


def _skeleton(raw: bytes) -> bytes:
    """The brackets of ``raw`` outside its strings, in order (C-speed passes only)."""
    return _JSON_STRING.sub(b"", raw).translate(None, _BRACKETS_ONLY)


def _depth(skeleton: bytes) -> int:
    if not skeleton:
        return 0
    return max(accumulate(array("b", skeleton.translate(_STEPS))))


def check_json_bounds(raw: bytes, *, what: str = "This file", kind: str = "credential",
                      max_containers: int = MAX_JSON_CONTAINERS) -> None:
    """Refuse JSON with more objects and arrays, or deeper nesting, than a ``kind`` has.

    Both are counted without parsing, from the brackets outside strings; a file with
    few brackets at all (most credentials) is passed without scanning.
    """
    brackets = raw.count(b"[") + raw.count(b"{")
    if brackets <= MAX_JSON_DEPTH:
        return
    skeleton = _skeleton(raw)
    containers = len(skeleton) - skeleton.count(b"]") - skeleton.count(b"}")
    if containers > max_containers:
        raise InputTooLarge(
            f"{what} is made of far more parts than any {kind}, so the wallet did not read it.",
            f"{containers} JSON objects and arrays > {max_containers}",
        )
    depth = _depth(skeleton)
    if depth > MAX_JSON_DEPTH:
        raise InputTooLarge(
            f"{what} is nested too deeply to be {_a(kind)}.",
            f"JSON nesting depth {depth} > {MAX_JSON_DEPTH}",
        )


def load_json(text: str | bytes, *, what: str = "This file", kind: str = "credential",
              max_containers: int = MAX_JSON_CONTAINERS, error: type[WalletError] = MalformedCredential) -> Any:
    """Parse JSON text after checking its size and nesting, so no input can exhaust the
    stack or hold the interpreter for long. ``what`` names the input in sentences,
    ``kind`` says what it should be; text that is not JSON raises ``error``."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    check_json_bounds(raw, what=what, kind=kind, max_containers=max_containers)
    try:
        return json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise _not_json(what, kind, error, str(exc)) from exc


def read_json_file(path: str | PathLike[str], *, what: str, kind: str, max_bytes: int,
                   max_containers: int = MAX_JSON_CONTAINERS, error: type[WalletError] = MalformedCredential) -> Any:
    """The JSON in a file the learner named (a registry, a trust file, a status list),
    read within ``max_bytes`` and the caps of :func:`load_json`, or one plain sentence
    why not. ``what`` names the file ("This registry file"), ``kind`` what it should be
    ("issuer registry"); a file that is not UTF-8 JSON raises ``error``."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError("There is no file at that place.", str(file)) from exc
    except OSError as exc:
        raise InputError(f"{what} could not be read.", f"{file}: {exc}") from exc
    if len(raw) > max_bytes:
        raise InputTooLarge(f"{what} is too large to read (the limit is {_megabytes(max_bytes)}).",
                            f"{file}: more than {max_bytes} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_json(what, kind, error, f"not UTF-8: {exc}") from exc
    return load_json(text, what=what, kind=kind, max_containers=max_containers, error=error)


def _not_json(what: str, kind: str, error: type[WalletError], detail: str) -> WalletError:
    return error(f"{what} is not valid JSON, so it cannot be read as {_a(kind)}.", detail)


def _a(noun: str) -> str:
    """The noun with its indefinite article: "a credential", "an issuer registry"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
