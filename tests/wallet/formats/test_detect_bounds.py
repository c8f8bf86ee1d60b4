"""Sniffing and bounds: every non-credential gets one plain sentence, hostile input is bounded."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest
from PIL import Image

from wallet.errors import InputError, InputTooLarge, MalformedCredential, UnsupportedFormat
from wallet.formats import MAX_FILE_BYTES, MAX_JSON_CONTAINERS, MAX_JSON_DEPTH, parse
from wallet.formats.detect import Kind, check_json_bounds, load_json, sniff


def _refusal(data: bytes, kind: type[InputError] = InputError) -> InputError:
    with pytest.raises(kind) as info:
        parse(data, name="file")
    assert info.value.message.endswith(".")
    return info.value


def _picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def test_pdf_is_named():
    err = _refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", UnsupportedFormat)
    assert err.message == "This file is a PDF, not a credential."


@pytest.mark.parametrize("fmt, word", [("JPEG", "JPEG"), ("GIF", "GIF"), ("TIFF", "TIFF"), ("WEBP", "WebP")])
def test_pictures_that_cannot_carry_badges(fmt, word):
    err = _refusal(_picture(fmt), UnsupportedFormat)
    assert word in err.message and "PNG or SVG" in err.message


def test_png_without_badge_says_so():
    err = _refusal(_picture("PNG"), UnsupportedFormat)
    assert err.message == "This picture has no badge baked into it."


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            z.writestr(name, "x")
    return out.getvalue()


def test_word_document_and_zip_archive():
    assert _refusal(_zip(["[Content_Types].xml", "word/document.xml"])).message == \
        "This file is a Word document, not a credential."
    assert "ZIP archive" in _refusal(_zip(["a.json"])).message


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", b"\xef\xbb\xbf\n"])
def test_empty_file(data):
    assert _refusal(data, UnsupportedFormat).message == "This file is empty."


def test_binary_file():
    noise = random.Random(7).randbytes(4096)  # fixed: starts with no known magic
    err = _refusal(noise, UnsupportedFormat)
    assert "binary data" in err.message


def test_not_utf8_text():
    assert "binary data" in _refusal(b"{\"name\": \"caf\xe9\"}", UnsupportedFormat).message


def test_web_page_and_web_address():
    assert _refusal(b"<!doctype html><html><body>hi</body></html>").message == \
        "This file is a web page, not a credential."
    assert "web address" in _refusal(b"https://example.org/badge.json\n").message


def test_json_without_credential_type():
    err = _refusal(json.dumps({"name": "Shopping list", "items": ["milk"]}).encode(), UnsupportedFormat)
    assert err.message == "This JSON file is not a credential: it has no type VerifiableCredential."


def test_json_list_and_scalar():
    assert "list" in _refusal(b"[1, 2, 3]").message
    assert _refusal(b"{\"a\": 1").message.startswith("This file is not valid JSON")


def test_fifty_megabyte_file_is_refused_before_parsing():
    data = b"{" + b" " * (50 * 1024 * 1024) + b"}"
    err = _refusal(data, InputTooLarge)
    assert "too large" in err.message and "16.0 MB" in err.message


def test_file_just_under_the_cap_is_parsed():
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"}, "padding": ""}
    text = json.dumps(doc)
    doc["padding"] = "x" * (MAX_FILE_BYTES - len(text) - 10)
    (cred,) = parse(json.dumps(doc).encode())
    assert len(cred.raw) < MAX_FILE_BYTES


def test_json_nested_100000_deep_is_refused_without_recursion():
    data = b"{\"a\":" * 100_000 + b"1" + b"}" * 100_000
    err = _refusal(data, InputTooLarge)
    assert err.message == "This file is nested too deeply to be a credential."
    arrays = b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # a bare list is refused as a list first
    err = _refusal(arrays, InputTooLarge)
    assert err.message == "This file is nested too deeply to be a credential."
    assert "100001" in err.detail


def test_millions_of_empty_arrays_are_refused_before_parsing():
    """15 MB of "[]," would hold the interpreter in json.loads for over a second."""
    data = b'{"a": [' + b"[]," * 5_000_000 + b"[]]}"
    err = _refusal(data, InputTooLarge)
    assert err.message == "This file is made of far more parts than any credential, so the wallet did not read it."
    assert str(MAX_JSON_CONTAINERS) in err.detail


def test_brackets_inside_strings_are_not_parts():
    """A credential with a large embedded picture or text full of brackets is read."""
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"},
           "description": "[]{}" * (MAX_JSON_CONTAINERS + 1)}
    (cred,) = parse(json.dumps(doc).encode())
    assert cred.summary.description.startswith("[]{}")
    many = dict(doc, description="", evidence=[{"id": f"urn:e:{n}"} for n in range(MAX_JSON_CONTAINERS - 10)])
    (cred,) = parse(json.dumps(many).encode())  # right under the cap: still read
    assert len(cred.document["evidence"]) == MAX_JSON_CONTAINERS - 10


def test_depth_counts_brackets_outside_strings_only():
    check_json_bounds(b'{"a": "' + b"[" * 500 + b'"}')  # 501 brackets, all but one in a string
    deep_in_string = b'{"a": "' + b"[{" * 1000 + b'"}'
    assert load_json(deep_in_string) == {"a": "[{" * 1000}
    escaped = b'{"a": "\\"' + b"[" * 1000 + b'"}'
    assert load_json(escaped)["a"].startswith('"[')
    at_cap = b"[" * MAX_JSON_DEPTH + b'"' + b"[" * 10 + b'"' + b"]" * MAX_JSON_DEPTH  # scanned, not skipped
    check_json_bounds(at_cap)
    over = b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(InputTooLarge, match="nested too deeply") as info:
        check_json_bounds(over)
    assert info.value.detail == f"JSON nesting depth {MAX_JSON_DEPTH + 1} > {MAX_JSON_DEPTH}"


def test_unterminated_strings_do_not_stall_the_depth_scan():
    data = b'{"a": ' + b'"\\"' * 2_000_000 + b"[" * 200
    # the strings pair up to the end, where the last one never closes: the brackets are in it
    check_json_bounds(data)
    with pytest.raises(MalformedCredential):
        load_json(data)


@pytest.mark.parametrize("text, kind", [
    (b'  {"a": 1}', Kind.JSON),
    (b"eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", Kind.JWT),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", Kind.SVG),
    (b"\x89PNG\r\n\x1a\nrest", Kind.PNG),
])
def test_sniff_kinds(text, kind):
    assert sniff(text) is kind


def test_nan_is_not_json():
    with pytest.raises(MalformedCredential):
        parse(b'{"type": ["VerifiableCredential"], "credentialSubject": {"creditsEarned": NaN}}')


def test_half_surrogate_escapes_are_stored_safely(wallet):
    from wallet.importer import import_bytes

    doc = ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], '
           '"name": "Bad \\ud800 name", "issuer": "did:example:1", "credentialSubject": {"id": "x"}}')
    vp = '{"type": ["VerifiablePresentation"], "verifiableCredential": [' + doc + "]}"
    first = import_bytes(wallet, doc.encode())
    assert first.ok and first.added[0].title == "Bad ? name"
    again = import_bytes(wallet, vp.encode())  # the same credential, from a presentation
    assert again.ok and [c.id for c in again.duplicates] == [first.added[0].id]
    (cred,) = wallet.credentials()
    assert cred.document["name"] == "Bad \ud800 name"


def test_utf16_text_gets_advice(interop):
    data = (interop / "peer-vcjs/stack/ou-cs-1.json").read_text().encode("utf-16")
    assert "save it as UTF-8" in _refusal(data, UnsupportedFormat).message


def test_sd_jwt_is_named():
    sd = b"eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK3NkLWp3dCJ9.eyJfc2QiOltdfQ.c2ln~WyJzYWx0IiwibmFtZSIsIkFkYSJd~"
    assert "selective-disclosure" in _refusal(sd, UnsupportedFormat).message
