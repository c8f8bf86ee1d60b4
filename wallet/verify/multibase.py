"""Byte encodings used by proofs and keys: base58btc, multibase, base64url, multicodec.

Data Integrity proofs carry signatures as multibase base58btc (``z...``) or base64url
(``u...``); did:key and Multikey carry public keys as multibase + multicodec. These are
small, well specified encodings, so they live here rather than in a dependency.
"""

from __future__ import annotations

import base64

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}

# multicodec codes for public keys we support (unsigned varint prefixes)
ED25519_PUB = 0xED
P256_PUB = 0x1200
P384_PUB = 0x1201
ED25519_PRIV = 0x1300
P256_PRIV = 0x1306
P384_PRIV = 0x1307


class EncodingError(ValueError):
    """A value is not valid in the encoding it claims."""


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise EncodingError(f"character {ch!r} is not base58btc") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "=+/ \n"):
        raise EncodingError("not unpadded base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise EncodingError(f"not base64url: {exc}") from None


def multibase_decode(text: str) -> bytes:
    """Decode a multibase string (``z`` base58btc or ``u`` base64url)."""
    if not isinstance(text, str) or not text:
        raise EncodingError("empty multibase value")
    if text[0] == "z":
        return b58decode(text[1:])
    if text[0] == "u":
        return b64url_decode(text[1:])
    raise EncodingError(f"unsupported multibase prefix {text[0]!r}")


def multibase_encode(data: bytes, base: str = "z") -> str:
    if base == "z":
        return "z" + b58encode(data)
    if base == "u":
        return "u" + b64url_encode(data)
    raise EncodingError(f"unsupported multibase prefix {base!r}")


def varint_encode(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_decode(data: bytes) -> tuple[int, int]:
    """The varint at the start of ``data`` and how many bytes it took."""
    n = shift = 0
    for i, byte in enumerate(data[:9]):
        n |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return n, i + 1
        shift += 7
    raise EncodingError("truncated multicodec prefix")


def multicodec_wrap(code: int, data: bytes) -> bytes:
    return varint_encode(code) + data


def multicodec_unwrap(data: bytes) -> tuple[int, bytes]:
    code, used = varint_decode(data)
    return code, data[used:]
