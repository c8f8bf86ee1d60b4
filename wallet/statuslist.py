"""Reading status entries and status lists: the formats, with hard bounds.

What a credential's ``credentialStatus`` says (:func:`status_entries`), and the
bitstring a status list carries (:func:`decode_bitstring`, :func:`read_status`).
Bitstring Status List v1.0 writes the list as multibase base64url (``u``) of GZIP data,
bit 0 being the high bit of the first byte; StatusList2021 wrote plain base64url. The
compressed text, the decompressed size and the entry size are capped before anything
large is allocated. No I/O here: :mod:`wallet.status` fetches, caches and judges.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from dataclasses import dataclass
from typing import Any

from wallet.errors import InputTooLarge, MalformedCredential

BITSTRING = "BitstringStatusListEntry"
STATUSLIST2021 = "StatusList2021Entry"
ONEEDTECH = "1EdTechRevocationList"
SUPPORTED = (BITSTRING, STATUSLIST2021, ONEEDTECH)
LIST_TYPES = {BITSTRING: "BitstringStatusList", STATUSLIST2021: "StatusList2021"}

MAX_ENCODED_CHARS = 4 * 1024 * 1024  # the base64url text of the compressed list
MAX_BITSTRING_BYTES = 16 * 1024 * 1024  # 134 million entries; the spec's minimum is 16 KiB


# ---------------------------------------------------------------- reading credentialStatus

@dataclass(frozen=True)
class StatusEntry:
    """One ``credentialStatus`` entry, as the credential states it."""

    type: str
    purpose: str  # revocation / suspension / message / refresh
    list_url: str  # the status list credential, or the 1EdTech list
    index: int | None = None
    size: int = 1  # statusSize: bits per entry
    messages: tuple[tuple[str, str], ...] = ()  # statusMessage: (hex value, message)
    problem: str = ""  # why it cannot be used, when it cannot


def status_entries(credential: dict[str, Any]) -> list[StatusEntry]:
    """Every ``credentialStatus`` entry of a credential (a dict or a list of them)."""
    raw = credential.get("credentialStatus")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [_entry(item) for item in items]


def _entry(item: Any) -> StatusEntry:
    if not isinstance(item, dict):
        return StatusEntry("", "", "", problem="the credentialStatus entry is not an object")
    kind = _first_type(item.get("type"))
    purpose = str(item.get("statusPurpose") or "revocation").strip().lower()
    if kind == ONEEDTECH:
        url = str(item.get("id") or "")
        return StatusEntry(kind, "revocation", url, problem="" if url else "no list address (id)")
    url = str(item.get("statusListCredential") or "")
    if kind not in SUPPORTED:
        return StatusEntry(kind, purpose, url, problem=f"unsupported status method {kind or '(none)'}")
    index, problem = _parse_index(item.get("statusListIndex"))
    size, size_problem = _parse_size(item.get("statusSize", 1))
    messages = tuple(
        (str(m.get("status", "")).lower(), str(m.get("message", "")))
        for m in item.get("statusMessage") or [] if isinstance(m, dict)
    )
    if not url:
        problem = problem or "no statusListCredential"
    return StatusEntry(kind, purpose, url, index, size, messages, problem or size_problem)


def _first_type(value: Any) -> str:
    if isinstance(value, list):
        known = [t for t in value if t in SUPPORTED]
        return known[0] if known else (str(value[0]) if value else "")
    return str(value or "")


def _parse_index(value: Any) -> tuple[int | None, str]:
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or len(text) > 12:
        return None, f"statusListIndex {value!r} is not a non-negative integer"
    return int(text), ""


def _parse_size(value: Any) -> tuple[int, str]:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return 1, f"statusSize {value!r} is not an integer"
    if not 1 <= size <= 8:
        return 1, f"statusSize {size} is outside 1..8"
    return size, ""


# ---------------------------------------------------------------- decoding a bitstring

def decode_bitstring(encoded: str) -> bytes:
    """The uncompressed bitstring of an ``encodedList``.

    Bitstring Status List uses multibase base64url (a leading ``u``) of GZIP data;
    StatusList2021 used plain base64url without the prefix. Both are accepted, padded
    or not. Decompression stops at :data:`MAX_BITSTRING_BYTES`.
    """
    if not isinstance(encoded, str) or not encoded:
        raise MalformedCredential("The status list is empty.", "encodedList missing")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise InputTooLarge("The status list is too large to read.", f"encodedList has {len(encoded)} characters")
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedCredential("The status list is damaged and cannot be read.", f"encodedList: {exc}") from exc
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP
    try:
        bits = inflater.decompress(packed, MAX_BITSTRING_BYTES)
    except zlib.error as exc:
        raise MalformedCredential("The status list is damaged and cannot be read.", f"GZIP: {exc}") from exc
    if inflater.unconsumed_tail:
        raise InputTooLarge("The status list is too large to read.", f"decompresses beyond {MAX_BITSTRING_BYTES} bytes")
    if not inflater.eof:
        raise MalformedCredential("The status list is cut short and cannot be read.", "GZIP stream truncated")
    return bits


def read_status(bits: bytes, index: int, size: int = 1) -> int:
    """The value at ``index`` (entries of ``size`` bits; bit 0 is the first byte's high bit)."""
    first = index * size
    if first + size > len(bits) * 8:
        raise IndexError(f"index {index} (size {size}) beyond {len(bits) * 8 // size} entries")
    value = 0
    for bit in range(first, first + size):
        value = (value << 1) | ((bits[bit >> 3] >> (7 - (bit & 7))) & 1)
    return value


def encode_bitstring(bits: bytes) -> str:
    """Multibase base64url of GZIP: the inverse of :func:`decode_bitstring` (tests, tools)."""
    return "u" + base64.urlsafe_b64encode(gzip.compress(bits, mtime=0)).decode("ascii").rstrip("=")
