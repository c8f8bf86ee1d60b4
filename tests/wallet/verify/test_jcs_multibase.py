"""RFC 8785 canonical JSON and the byte encodings that proofs and keys use."""

from __future__ import annotations

import json

import pytest

from wallet.verify import multibase as mb
from wallet.verify.jcs import JcsError, canonicalize, number_to_string


def test_rfc8785_sorts_keys_by_utf16_code_units() -> None:
    # the RFC's own sorting example: U+20AC, then U+1F600 (surrogates D83D DE00), then U+FB33
    value = {"\ufb33": 3, "\U0001f600": 2, "\u20ac": 1, "1": "one", "\u0080": "ctl"}
    text = canonicalize(value).decode("utf-8")
    assert [k for k in json.loads(text)] == ["1", "\u0080", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"), (-0.0, "0"), (1.0, "1"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (1e-7, "1e-7"), (0.000001, "0.000001"), (123.456, "123.456"), (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (333333333.3333333, "333333333.3333333"),
        (2**60, "1152921504606847000"), (-12, "-12"),
    ],
)
def test_numbers_are_written_as_ecmascript_does(value: float, expected: str) -> None:
    assert number_to_string(value) == expected


def test_strings_use_minimal_escapes() -> None:
    assert canonicalize({"a": "é\n\u0001\"\\/"}) == b'{"a":"\xc3\xa9\\n\\u0001\\"\\\\/"}'


def test_nan_is_refused() -> None:
    with pytest.raises(JcsError):
        canonicalize({"x": float("nan")})


def test_base58_round_trip_keeps_leading_zeros() -> None:
    for data in (b"", b"\0\0\x01", bytes(range(256))):
        assert mb.b58decode(mb.b58encode(data)) == data
    assert mb.b58encode(b"hello world") == "StV1DL6CwTryKyV"


def test_bad_base58_is_an_encoding_error() -> None:
    with pytest.raises(mb.EncodingError):
        mb.b58decode("0OIl")


def test_multicodec_varint() -> None:
    assert mb.varint_encode(0xED) == b"\xed\x01"
    assert mb.varint_encode(0x1200) == b"\x80\x24"
    assert mb.multicodec_unwrap(b"\x81\x24abc") == (0x1201, b"abc")
