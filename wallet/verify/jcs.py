"""RFC 8785 JSON Canonicalization Scheme, used by the eddsa-jcs-2022 and ecdsa-jcs-2019
cryptosuites.

JCS sorts object members by their UTF-16 code units, writes strings with the minimal
JSON escapes and numbers as ECMAScript's ``Number.prototype.toString`` would. Python's
``json`` gets the strings right but neither the key order (UTF-16, not code points) nor
the numbers (``1e+21`` vs ``1e21``, ``1.0`` vs ``1``), hence this module.
"""

from __future__ import annotations

import math
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class JcsError(ValueError):
    """A value JCS cannot represent (NaN, infinity, a non-JSON type)."""


def canonicalize(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts).encode("utf-8")


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (int, float)):
        out.append(number_to_string(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if not isinstance(key, str):
                raise JcsError(f"object key {key!r} is not a string")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    else:
        raise JcsError(f"{type(value).__name__} is not a JSON value")


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")


def _string(s: str) -> str:
    chars = ['"']
    for ch in s:
        if ch in _ESCAPES:
            chars.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            chars.append(f"\\u{ord(ch):04x}")
        else:
            chars.append(ch)
    chars.append('"')
    return "".join(chars)


def number_to_string(value: int | float) -> str:
    """A number as ECMAScript writes it (RFC 8785 section 3.2.2.3)."""
    if isinstance(value, int):
        if abs(value) > 2**53:
            value = float(value)  # as JavaScript would hold it
        else:
            return str(value)
    if math.isnan(value) or math.isinf(value):
        raise JcsError("NaN and Infinity have no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(abs(value))
    k = len(digits)
    n = exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = f"e{'+' if e >= 0 else '-'}{abs(e)}"
    if k == 1:
        return sign + digits + exp
    return sign + digits[0] + "." + digits[1:] + exp


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping decimal digits of ``value`` and its exponent n,
    with value = 0.d1d2... * 10**n (Python's repr is shortest round-trip too)."""
    mantissa, _, exp_text = repr(value).partition("e")
    exp = int(exp_text) if exp_text else 0
    whole, _, frac = mantissa.partition(".")
    if frac == "0":
        frac = ""
    digits = (whole + frac).lstrip("0")
    lead_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    n = len(whole) + exp - lead_zeros
    digits = digits.rstrip("0") or "0"
    return digits, n
