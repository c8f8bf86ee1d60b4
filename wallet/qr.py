"""QR payloads for bundles: encode a presentation into codes, and read it back.

The payload format is specified in ``docs/qr-payload.md`` (version 1). In short: the
presentation JSON, minified, is zlib-compressed and Base45-encoded (RFC 9285), so the
whole code stays in the QR alphanumeric alphabet, behind a versioned prefix:

``LW1:<data>``                         the whole bundle in one code
``LW1P:<i>:<n>:<check>:<data>``        part i of n; ``check`` names the whole
``LW1H:<sha256>:<size>``               the bundle file travels separately
``LW1R:<data>``                        a receiver's request (challenge and domain)

Matrices are built here (plain booleans) and only painted by the UI; PNG rendering
and decoding from images (zxing-cpp) need no Qt. Decoding bounds its input: parts are
capped, decompression is capped, and every mismatch gives one plain sentence.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_ALPHA_NUM, QRData

from wallet.errors import BundleError, InputTooLarge, WalletError

log = logging.getLogger(__name__)

PREFIX_WHOLE = "LW1:"
PREFIX_PART = "LW1P:"
PREFIX_HASH = "LW1H:"
PREFIX_REQUEST = "LW1R:"

#: The longest text one code carries: fits QR version 25 at level M (1,451 chars).
MAX_CODE_CHARS = 1400
#: Beyond this many parts the code carries only the file's SHA-256.
MAX_PARTS = 24
#: A decoded bundle never inflates past this.
MAX_DECOMPRESSED = 1024 * 1024
#: Images read at once when decoding (a sheet page holds several codes).
MAX_IMAGES = 64
#: Codes put together at once: room for repeated scans of every part.
MAX_CODES = MAX_PARTS * 4
#: zlib's level for the minified JSON.
ZLIB_LEVEL = 9
CHECK_CHARS = 16  # hex digits of SHA-256 that tie parts to their whole

_MASK = 2  # columns pattern: (x mod 3) == 0
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(_B45)}


# ---------------------------------------------------------------- Base45 (RFC 9285)

def b45encode(data: bytes) -> str:
    """Base45: each 2 bytes become 3 characters, a final odd byte 2 characters."""
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (_B45[c], _B45[d], _B45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (_B45[c], _B45[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """Decode Base45, rejecting characters outside the alphabet and overflows."""
    try:
        values = [_B45_INDEX[c] for c in text]
    except KeyError as exc:
        raise BundleError("This QR code is damaged: it holds characters a bundle never uses.",
                          f"not Base45: {exc.args[0]!r}") from None
    if len(values) % 3 == 1:
        raise BundleError("This QR code is damaged: its data is cut short.", "Base45 length mod 3 == 1")
    out = bytearray()
    for i in range(0, len(values) - 2, 3):
        n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025
        if n > 0xFFFF:
            raise BundleError("This QR code is damaged: its data does not decode.", f"Base45 triple {n} > 65535")
        out += bytes(divmod(n, 256))
    if len(values) % 3 == 2:
        n = values[-2] + values[-1] * 45
        if n > 0xFF:
            raise BundleError("This QR code is damaged: its data does not decode.", f"Base45 pair {n} > 255")
        out.append(n)
    return bytes(out)


# ---------------------------------------------------------------- compression

def compress(document: dict[str, Any]) -> bytes:
    minified = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return zlib.compress(minified, ZLIB_LEVEL)


def inflate(data: bytes, limit: int = MAX_DECOMPRESSED) -> bytes:
    """zlib-decompress, refusing anything that would grow past ``limit`` bytes."""
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BundleError("The QR codes are damaged: the bundle inside does not unpack.", str(exc)) from exc
    if len(out) > limit or d.unconsumed_tail:
        raise InputTooLarge("The bundle in these QR codes is too large to open (over 1 MB).",
                            f"decompressed size exceeds {limit} bytes")
    if not d.eof:
        raise BundleError("The QR codes are incomplete: the bundle inside is cut short.", "zlib stream not ended")
    return out


def _check_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:CHECK_CHARS].upper()


# ---------------------------------------------------------------- encoding

@dataclass(frozen=True)
class Payload:
    """What a bundle becomes for QR: one or more texts, in order."""

    texts: tuple[str, ...]
    kind: str  # "whole", "parts" or "hash"
    sha256: str = ""  # for "hash": the file's SHA-256 that must travel along

    @property
    def count(self) -> int:
        return len(self.texts)


def encode_presentation(document: dict[str, Any], *, file_bytes: bytes | None = None,
                        max_parts: int = MAX_PARTS) -> Payload:
    """The QR texts for a presentation: one code, several parts, or a file reference.

    ``file_bytes`` are the bytes of the ``.json`` file as it is written; they are
    hashed when the bundle is too big for ``max_parts`` codes.
    """
    packed = compress(document)
    data = b45encode(packed)
    if len(PREFIX_WHOLE) + len(data) <= MAX_CODE_CHARS:
        return Payload((PREFIX_WHOLE + data,), "whole")
    check = _check_of(packed)
    header = len(f"{PREFIX_PART}{max_parts}:{max_parts}:{check}:")
    room = (MAX_CODE_CHARS - header) // 3 * 3  # whole Base45 triples in each part
    count = -(-len(data) // room)
    even = -(-len(data) // count)
    step = even + (-even) % 3  # parts of even size scan alike; whole triples each
    chunks = [data[i:i + step] for i in range(0, len(data), step)]
    if len(chunks) <= max_parts:
        n = len(chunks)
        return Payload(tuple(f"{PREFIX_PART}{i}:{n}:{check}:{c}" for i, c in enumerate(chunks, 1)), "parts")
    if file_bytes is None:
        file_bytes = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    digest = hashlib.sha256(file_bytes).hexdigest().upper()
    return Payload((f"{PREFIX_HASH}{digest}:{len(file_bytes)}",), "hash", sha256=digest.lower())


def encode_request(challenge: str, domain: str) -> str:
    """The text of a receiver's request: what the learner's wallet scans or pastes."""
    body = json.dumps({"challenge": challenge, "domain": domain}, separators=(",", ":")).encode()
    return PREFIX_REQUEST + b45encode(body)


def decode_request(text: str) -> tuple[str, str]:
    """(challenge, domain) from a request's text, as scanned or pasted."""
    text = text.strip()
    if not text.upper().startswith(PREFIX_REQUEST):
        raise BundleError("This is not a request from a receiver of Learner Wallet bundles.",
                          f"expected prefix {PREFIX_REQUEST}")
    raw = b45decode(text[len(PREFIX_REQUEST):].upper())
    try:
        body = _json_of(raw)
        challenge, domain = body["challenge"], body["domain"]
    except (WalletError, KeyError, TypeError) as exc:
        detail = exc.detail if isinstance(exc, WalletError) else str(exc)
        raise BundleError("This request is damaged and cannot be read.", detail) from exc
    if not isinstance(challenge, str) or not isinstance(domain, str) or not challenge or not domain:
        raise BundleError("This request is damaged and cannot be read.", "challenge/domain not strings")
    return challenge, domain


# ---------------------------------------------------------------- matrices and PNG

@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol as rows of dark (True) / light modules, quiet zone included."""

    version: int
    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)


def matrix(text: str, *, border: int = 4) -> QrMatrix:
    """Build the QR symbol for ``text`` at level M, alphanumeric mode when it can be.

    The mask pattern is fixed: every mask is valid (ISO/IEC 18004) and readers take any,
    while scoring all eight costs five times as long as building the symbol. The
    version is computed from the text's length rather than searched for.
    """
    code = symbol(text, border=border)
    return QrMatrix(code.version, tuple(tuple(bool(v) for v in row) for row in code.get_matrix()))


def symbol(text: str, *, border: int = 4) -> qrcode.QRCode:
    """The ``qrcode`` symbol behind :func:`matrix` (its data segments say which mode)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border, mask_pattern=_MASK)
    if not all(c in _B45_INDEX for c in text):
        code.add_data(text)
        code.make(fit=True)
        return code
    code.add_data(QRData(text, mode=MODE_ALPHA_NUM))
    for version in range(_alnum_version(len(text)), 41):
        code.version = version
        try:
            code.make(fit=False)
            return code
        except ValueError:
            # qrcode 8.2 fails on a block whose data bytes are all zero (its issue 330, fixed
            # after that release); a larger version cuts the data into other blocks.
            log.info("QR version %d has a block of zero bytes; trying the next", version)
    raise BundleError("This data cannot be drawn as a QR code.", f"{len(text)} characters; a block of zero bytes "
                      "in every version")


def _alnum_version(chars: int) -> int:
    """The smallest version whose level-M capacity holds ``chars`` alphanumeric characters."""
    from qrcode.util import BIT_LIMIT_TABLE

    payload = 11 * (chars // 2) + 6 * (chars % 2)
    for version in range(1, 41):
        count_bits = 9 if version < 10 else 11 if version < 27 else 13
        if 4 + count_bits + payload <= BIT_LIMIT_TABLE[ERROR_CORRECT_M][version]:
            return version
    raise InputTooLarge("This is too much for one QR code.", f"{chars} alphanumeric characters")


def png_bytes(m: QrMatrix, *, scale: int = 4) -> bytes:
    """A black-on-white PNG of the symbol, ``scale`` pixels per module."""
    from PIL import Image

    size = m.size
    pixels = b"".join(bytes(row) for row in m.rows).translate(_INK)
    image = Image.frombytes("L", (size, size), pixels).resize((size * scale, size * scale), Image.NEAREST)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


_INK = bytes([255, 0]) + bytes(254)  # module value 0 (light) -> white, 1 (dark) -> black


# ---------------------------------------------------------------- decoding

@dataclass(frozen=True)
class Decoded:
    """What a set of scanned codes amounts to.

    ``document`` is the presentation when the codes carry it; for a file reference
    it is None and ``sha256``/``size`` say which file must come with them.
    """

    document: dict[str, Any] | None
    sha256: str = ""
    size: int = 0
    parts: int = 1


def read_images(paths: Iterable[Path | str]) -> list[str]:
    """Every QR text found in the images (screenshots, photos, printed pages).

    A picture without a code (the summary page of a scanned sheet) is skipped, as long
    as some picture holds one.
    """
    from PIL import Image, UnidentifiedImageError

    texts: list[str] = []
    empty: list[str] = []
    paths = list(paths)
    if len(paths) > MAX_IMAGES:
        raise InputTooLarge(f"That is too many pictures at once; give at most {MAX_IMAGES}.", str(len(paths)))
    for path in paths:
        try:
            with Image.open(path) as image:
                found = [text for frame in _frames(image) for text in texts_in_picture(frame)]
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise BundleError(f"{Path(path).name} is not a picture that can be read.", str(exc)) from exc
        if not found:
            empty.append(Path(path).name)
        texts += found
    if not texts:
        raise BundleError(f"No QR code could be read in {', '.join(empty)}; try a sharper, straighter picture.",
                          ", ".join(str(p) for p in paths))
    if empty:
        log.info("no QR code in %s", ", ".join(empty))
    return texts


def is_picture(path: Path | str) -> bool:
    """Whether the file is a picture Pillow can open (PNG, JPEG, TIFF, WebP, GIF, BMP...).

    Only the header is read. A bundle file (JSON, a JWT, pasted codes) is never taken
    for one; a picture too large to open still counts, so that its sentence names it.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path):
            return True
    except Image.DecompressionBombError:
        return True
    except (UnidentifiedImageError, OSError, ValueError):
        return False


def _frames(image: Any) -> Iterable[Any]:
    """Each page of a picture: a scanned sheet can be one multi-page TIFF."""
    from PIL import ImageSequence

    for number, frame in enumerate(ImageSequence.Iterator(image)):
        if number >= MAX_IMAGES:
            raise InputTooLarge(f"That picture has too many pages; give at most {MAX_IMAGES}.", str(number))
        frame.load()
        yield frame


def texts_in_picture(image: Any) -> list[str]:
    """The QR texts in one picture already in memory (a PIL image, or a camera frame
    turned into one): the shared step of reading files and reading a camera."""
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if r.text]


def decode_texts(texts: Sequence[str]) -> Decoded:
    """Put scanned codes together (any order, repeats allowed) into a presentation."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise BundleError("No QR code was given.", "empty input")
    if len(texts) > MAX_CODES:
        raise InputTooLarge("That is too many QR codes for one bundle.", f"{len(texts)} codes")
    kinds = {_kind(t) for t in texts}
    if kinds == {"request"}:
        raise BundleError("This QR code is a request for a bundle, not a bundle.", "LW1R payload")
    if len(kinds) > 1:
        raise BundleError("These QR codes do not belong to the same bundle.", f"kinds: {sorted(kinds)}")
    kind = kinds.pop()
    if kind == "whole":
        if len(set(texts)) > 1:
            raise BundleError("These QR codes hold different bundles; check one bundle at a time.",
                              f"{len(set(texts))} whole payloads")
        return Decoded(_load(inflate(b45decode(texts[0][len(PREFIX_WHOLE):]))))
    if kind == "hash":
        return _decode_hash(texts)
    return _decode_parts(texts)


def _kind(text: str) -> str:
    for prefix, kind in ((PREFIX_PART, "parts"), (PREFIX_HASH, "hash"),
                         (PREFIX_REQUEST, "request"), (PREFIX_WHOLE, "whole")):
        if text.startswith(prefix):
            return kind
    if re.match(r"^LW\d+[A-Z]?:", text):
        raise BundleError("This QR code was made by a newer version of Learner Wallet; update the app to read it.",
                          text[:8])
    raise BundleError("This QR code does not hold a Learner Wallet bundle.", text[:40])


_HASH = re.compile(r"^LW1H:([0-9A-F]{64}):(\d{1,9})$")


def _decode_hash(texts: list[str]) -> Decoded:
    if len(set(texts)) > 1:
        raise BundleError("These QR codes point to different bundle files.", "several LW1H payloads")
    m = _HASH.match(texts[0])
    if not m:
        raise BundleError("This QR code is damaged: the file fingerprint in it is not complete.", texts[0][:80])
    return Decoded(None, sha256=m.group(1).lower(), size=int(m.group(2)))


_PART = re.compile(r"^LW1P:(\d{1,3}):(\d{1,3}):([0-9A-F]{%d}):(.*)$" % CHECK_CHARS, re.S)


def _part_header(text: str) -> tuple[int, int, str, str]:
    """Index, total, check and data of one part code, bounded."""
    m = _PART.match(text)
    if not m:
        raise BundleError("One of the QR codes is damaged: its part number cannot be read.", text[:40])
    index, total, check, data = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    if total < 2:
        raise BundleError("One of the QR codes is damaged: it says its bundle has fewer than two parts.",
                          f"part count {total} < 2: {text[:40]}")
    if total > MAX_PARTS:
        raise InputTooLarge(f"A bundle in QR codes has at most {MAX_PARTS} parts; this one claims {total}.",
                            text[:40])
    if not 1 <= index <= total:
        raise BundleError("One of the QR codes is damaged: its part number is out of range.", text[:40])
    return index, total, check, data


def _decode_parts(texts: list[str]) -> Decoded:
    parts: dict[int, str] = {}
    totals: set[int] = set()
    checks: set[str] = set()
    for text in texts:
        index, total, check, data = _part_header(text)
        if parts.get(index, data) != data:
            raise BundleError(f"Two different codes both claim to be part {index}; the parts are mixed up.",
                              f"part {index}")
        parts[index] = data
        totals.add(total)
        checks.add(check)
    if len(checks) > 1 or len(totals) > 1:
        raise BundleError("These QR codes come from different bundles; scan the parts of one bundle only.",
                          f"checks {sorted(checks)} totals {sorted(totals)}")
    total, check = totals.pop(), checks.pop()
    missing = [i for i in range(1, total + 1) if i not in parts]
    if missing:
        names = ", ".join(str(i) for i in missing)
        raise BundleError(f"Part{'s' if len(missing) > 1 else ''} {names} of {total} "
                          f"{'are' if len(missing) > 1 else 'is'} missing; scan every part of the bundle.",
                          f"have {sorted(parts)}")
    packed = b45decode("".join(parts[i] for i in range(1, total + 1)))
    if _check_of(packed) != check:
        raise BundleError("The QR codes do not fit together: a part was changed or damaged.",
                          f"checksum {_check_of(packed)} != {check}")
    return Decoded(_load(inflate(packed)), parts=total)


def _load(data: bytes) -> dict[str, Any]:
    try:
        document = _json_of(data)
    except WalletError as exc:
        raise BundleError("The QR codes hold something that is not a bundle.", exc.detail) from exc
    if not isinstance(document, dict):
        raise BundleError("The QR codes hold something that is not a bundle.", "JSON is not an object")
    return document


def _json_of(data: bytes) -> Any:
    """Decoded JSON, through the importer's bounded reader (nesting depth capped)."""
    from wallet.formats.detect import load_json

    return load_json(data, what="The QR code")


def match_file(decoded: Decoded, file_bytes: bytes) -> bool:
    """Whether ``file_bytes`` is the file a hash-reference code points to."""
    return bool(decoded.sha256) and hashlib.sha256(file_bytes).hexdigest() == decoded.sha256


# ---------------------------------------------------------------- reading codes one by one

class CodeCollector:
    """Codes read one at a time, as a camera sees them, put together in any order.

    A camera sees the same code many times a second and may catch a stray code from
    elsewhere: repeats are ignored, and a code that does not belong to the bundle being
    read is refused with a sentence while the parts already read are kept.
    """

    def __init__(self) -> None:
        self._parts: dict[int, str] = {}  # part index -> the whole scanned text
        self._total = 0
        self._check = ""
        self._single = ""  # a whole-bundle or file-fingerprint code

    @property
    def read(self) -> int:
        return 1 if self._single else len(self._parts)

    @property
    def total(self) -> int:
        """How many codes the bundle has; 0 until the first code is read."""
        return 1 if self._single else self._total

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.read == self.total

    def progress(self) -> str:
        if not self.total:
            return "No code read yet."
        return f"{self.read} of {self.total} code{'s' if self.total > 1 else ''} read"

    def add(self, text: str) -> bool:
        """Take one scanned text; True when it was new. A code that does not fit raises
        BundleError and leaves what was read untouched."""
        text = text.strip()
        kind = _kind(text)
        if kind == "request":
            raise BundleError("This QR code is a request for a bundle, not a bundle.", "LW1R payload")
        if kind != "parts":
            if self._parts or (self._single and self._single != text):
                raise BundleError("This code belongs to another bundle; scan the codes of one bundle only.",
                                  text[:40])
            new, self._single = not self._single, text
            return new
        index, total, check, data = _part_header(text)
        if self._single or (self._parts and (check, total) != (self._check, self._total)):
            raise BundleError("This code belongs to another bundle; scan the codes of one bundle only.", text[:40])
        if index in self._parts:
            if self._parts[index] != text:
                raise BundleError(f"Two different codes both claim to be part {index}; the parts are mixed up.",
                                  f"part {index}")
            return False
        self._parts[index], self._total, self._check = text, total, check
        return True

    def result(self) -> Decoded:
        """The bundle the codes make up (BundleError while parts are missing)."""
        texts = [self._single] if self._single else [self._parts[i] for i in sorted(self._parts)]
        return decode_texts(texts)
