"""QR payloads: Base45, parts, limits, and decoding real PNG images."""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from pathlib import Path

import pytest
import qrcode
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from wallet import qr
from wallet.errors import BundleError, InputTooLarge


def stack_documents(interop: Path, n: int) -> list[dict]:
    files = sorted((interop / "peer-vcjs" / "stack").glob("*.json"))[:n]
    return [json.loads(f.read_text()) for f in files]


def fake_vp(interop: Path, n: int) -> dict:
    return {"type": ["VerifiablePresentation"], "verifiableCredential": stack_documents(interop, n)}


def write_pngs(payload: qr.Payload, folder: Path) -> list[Path]:
    paths = []
    for i, text in enumerate(payload.texts, 1):
        path = folder / f"code-{i}.png"
        path.write_bytes(qr.png_bytes(qr.matrix(text)))
        paths.append(path)
    return paths


# ---------------------------------------------------------------- Base45


@pytest.mark.parametrize(
    "plain, encoded",
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0"), (b"", "")],
)
def test_base45_matches_rfc_9285_examples(plain: bytes, encoded: str) -> None:
    assert qr.b45encode(plain) == encoded
    assert qr.b45decode(encoded) == plain


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None)
def test_base45_round_trips_any_bytes(data: bytes) -> None:
    assert qr.b45decode(qr.b45encode(data)) == data


@pytest.mark.parametrize("bad", ["GGW", "ZZ", "abc", "A", "AB!C"])
def test_base45_rejects_overflow_lowercase_and_bad_length(bad: str) -> None:
    with pytest.raises(BundleError):
        qr.b45decode(bad)


# ---------------------------------------------------------------- encoding


def test_one_credential_fits_one_alphanumeric_code(interop: Path) -> None:
    payload = qr.encode_presentation(fake_vp(interop, 1))
    assert payload.kind == "whole" and payload.count == 1
    text = payload.texts[0]
    assert text.startswith("LW1:") and all(c in qr._B45_INDEX for c in text)
    assert qr.matrix(text).version <= 25


@pytest.mark.parametrize("n", [3, 10])
def test_larger_bundles_split_into_even_parts_that_fit_version_25(interop: Path, n: int) -> None:
    payload = qr.encode_presentation(fake_vp(interop, n))
    assert payload.kind == "parts" and payload.count >= 2
    sizes = [len(t) for t in payload.texts]
    assert max(sizes) <= qr.MAX_CODE_CHARS and max(sizes) - min(sizes) <= 3 * payload.count
    assert {t.split(":")[2] for t in payload.texts} == {str(payload.count)}
    assert all(qr.matrix(t).version <= 25 for t in payload.texts)


def test_past_the_part_limit_the_code_carries_the_file_fingerprint(interop: Path) -> None:
    vp = fake_vp(interop, 10)
    file_bytes = json.dumps(vp, indent=2).encode()
    payload = qr.encode_presentation(vp, file_bytes=file_bytes, max_parts=2)
    assert payload.kind == "hash" and payload.count == 1
    assert payload.sha256 == hashlib.sha256(file_bytes).hexdigest()
    decoded = qr.decode_texts(payload.texts)
    assert decoded.document is None and decoded.size == len(file_bytes)
    assert qr.match_file(decoded, file_bytes)
    assert not qr.match_file(decoded, file_bytes + b" ")


def test_parts_are_written_in_alphanumeric_mode(interop: Path) -> None:
    """Base45 text in alphanumeric mode: 5.5 bits a character, so a part fits version 23
    where byte mode (8 bits) would need a version past the 25 that scans from a screen."""
    texts = qr.encode_presentation(fake_vp(interop, 10)).texts
    for text in texts:
        code = qr.symbol(text)
        assert [segment.mode for segment in code.data_list] == [MODE_ALPHA_NUM]
        assert code.version == qr.matrix(text).version <= 25
    longest = max(texts, key=len)
    as_bytes = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    as_bytes.add_data(QRData(longest, mode=MODE_8BIT_BYTE))
    as_bytes.make(fit=True)
    assert as_bytes.version > 25 >= qr.symbol(longest).version


def test_matrix_is_square_booleans_with_quiet_zone() -> None:
    m = qr.matrix("LW1:ABC")
    assert m.size == len(m.rows[0]) == 21 + 8
    assert not any(m.rows[0]) and m.rows[4][4] is True  # border, then the finder corner


# ---------------------------------------------------------------- decoding from images


@pytest.mark.parametrize("n", [1, 3, 10])
def test_png_round_trip_in_any_order(interop: Path, tmp_path: Path, n: int) -> None:
    vp = fake_vp(interop, n)
    paths = write_pngs(qr.encode_presentation(vp), tmp_path)
    decoded = qr.decode_texts(qr.read_images(list(reversed(paths))))
    assert decoded.document == vp


def test_a_photo_like_picture_still_reads(interop: Path, tmp_path: Path) -> None:
    """Scaled down, rotated a little, grey and on a wider background, as a phone photo."""
    vp = fake_vp(interop, 3)
    out = []
    for i, path in enumerate(write_pngs(qr.encode_presentation(vp), tmp_path)):
        image = Image.open(path).convert("L")
        image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.BILINEAR)
        image = image.rotate(7, expand=True, fillcolor=235).point(lambda v: 40 + v * 0.75)
        canvas = Image.new("L", (image.width + 120, image.height + 90), 200)
        canvas.paste(image, (70, 30))
        photo = tmp_path / f"photo-{i}.jpg"
        canvas.save(photo, quality=80)
        out.append(photo)
    assert qr.decode_texts(qr.read_images(out)).document == vp


def test_repeated_scans_of_a_part_are_fine(interop: Path) -> None:
    payload = qr.encode_presentation(fake_vp(interop, 3))
    texts = list(payload.texts) + [payload.texts[0]]
    assert qr.decode_texts(texts).document == fake_vp(interop, 3)


@pytest.mark.parametrize("fmt, mode", [("TIFF", "1"), ("WEBP", "RGB"), ("GIF", "P"), ("BMP", "RGB")])
def test_other_picture_formats_read(tmp_path: Path, fmt: str, mode: str) -> None:
    png = tmp_path / "code.png"
    png.write_bytes(qr.png_bytes(qr.matrix("LW1:HELLO WORLD")))
    other = tmp_path / f"code.{fmt.lower()}"
    Image.open(png).convert(mode).save(other, format=fmt)
    assert qr.is_picture(other) and qr.read_images([other]) == ["LW1:HELLO WORLD"]


def test_every_page_of_a_scanned_tiff_is_read(interop: Path, tmp_path: Path) -> None:
    vp = fake_vp(interop, 3)
    pages = [Image.open(path).convert("L") for path in write_pngs(qr.encode_presentation(vp), tmp_path)]
    scan = tmp_path / "scan.tiff"
    pages[0].save(scan, format="TIFF", save_all=True, append_images=pages[1:])
    assert qr.decode_texts(qr.read_images([scan])).document == vp


def test_bundle_files_are_not_taken_for_pictures(tmp_path: Path) -> None:
    for name, text in (("b.json", '{"type": ["VerifiablePresentation"]}'), ("t.jwt", "eyJhbGciOi.eyJ4Ijox.c2ln"),
                       ("codes.txt", "LW1:ABC\nLW1P:1:2:0123456789ABCDEF:AAA"), ("empty.json", "")):
        (tmp_path / name).write_text(text)
        assert not qr.is_picture(tmp_path / name)


def test_an_image_without_a_code_is_named(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    with pytest.raises(BundleError, match="No QR code could be read in blank.png"):
        qr.read_images([blank])


def test_a_file_that_is_not_a_picture_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("hello")
    with pytest.raises(BundleError, match="notes.png is not a picture"):
        qr.read_images([path])


# ---------------------------------------------------------------- rejecting bad input


@pytest.fixture
def parts(interop: Path) -> list[str]:
    return list(qr.encode_presentation(fake_vp(interop, 10)).texts)


def test_missing_part_is_named(parts: list[str]) -> None:
    with pytest.raises(BundleError, match=f"Part 2 of {len(parts)} is missing"):
        qr.decode_texts(parts[:1] + parts[2:])


def test_tampered_part_is_rejected(parts: list[str]) -> None:
    text = parts[1]
    i = len(text) - 10
    swapped = "A" if text[i] != "A" else "B"
    parts[1] = text[:i] + swapped + text[i + 1:]
    with pytest.raises(BundleError, match="changed or damaged"):
        qr.decode_texts(parts)


def test_parts_of_two_bundles_are_rejected(interop: Path, parts: list[str]) -> None:
    other = qr.encode_presentation(fake_vp(interop, 9)).texts
    with pytest.raises(BundleError, match="different bundles"):
        qr.decode_texts(parts[:-1] + [other[-1]])


def test_two_codes_claiming_the_same_part_are_rejected(parts: list[str]) -> None:
    clash = parts[0][:-3] + ("AAA" if not parts[0].endswith("AAA") else "BBB")
    with pytest.raises(BundleError, match="both claim to be part 1"):
        qr.decode_texts(parts + [clash])


def test_part_count_is_capped() -> None:
    with pytest.raises(InputTooLarge, match="at most 24 parts"):
        qr.decode_texts(["LW1P:1:500:0123456789ABCDEF:AAA"])


@pytest.mark.parametrize("total", [0, 1])
def test_a_part_count_below_two_is_a_damaged_code(total: int) -> None:
    with pytest.raises(BundleError, match="damaged: it says its bundle has fewer than two parts") as caught:
        qr.decode_texts([f"LW1P:1:{total}:0123456789ABCDEF:AAA"])
    assert not isinstance(caught.value, InputTooLarge)


#: A small code whose JSON nests 60,000 arrays deep: it must not exhaust the stack.
NESTED = "LW1:" + qr.b45encode(zlib.compress(b"[" * 60_000, 9))


def test_a_code_with_a_run_of_zero_bytes_is_still_drawn(tmp_path: Path) -> None:
    """qrcode 8.2 cannot draw a symbol one of whose blocks is all zero bytes (the nested
    code compresses to such a run); a larger version splits the data otherwise."""
    picture = tmp_path / "nested.png"
    picture.write_bytes(qr.png_bytes(qr.matrix(NESTED)))
    assert qr.read_images([picture]) == [NESTED]
    with pytest.raises(BundleError, match="cannot be drawn as a QR code"):
        qr.matrix("LW1:" + "0" * 600)  # zeros across every block of every version


def test_deeply_nested_json_in_a_code_is_refused_with_a_sentence(tmp_path: Path) -> None:
    assert len(NESTED) < 600
    with pytest.raises(BundleError, match="not a bundle") as caught:
        qr.decode_texts([NESTED])
    assert "nesting depth" in caught.value.detail
    packed = zlib.compress(b"{" * 60_000, 9)
    check = hashlib.sha256(packed).hexdigest()[:16].upper()
    data = qr.b45encode(packed)
    cut = len(data) // 6 * 3  # about half, in whole Base45 triples
    parts = [f"LW1P:1:2:{check}:{data[:cut]}", f"LW1P:2:2:{check}:{data[cut:]}"]
    with pytest.raises(BundleError, match="not a bundle"):
        qr.decode_texts(parts)
    request = qr.PREFIX_REQUEST + qr.b45encode(b"[" * 60_000)
    with pytest.raises(BundleError, match="request is damaged"):
        qr.decode_request(request)


def test_decompression_is_capped_at_one_megabyte() -> None:
    bomb = zlib.compress(b"[" + b" " * (2 * 1024 * 1024) + b"]", 9)
    text = "LW1:" + qr.b45encode(bomb)
    assert len(text) < 20_000
    with pytest.raises(InputTooLarge, match="too large"):
        qr.decode_texts([text])


def test_corrupt_zlib_is_rejected() -> None:
    with pytest.raises(BundleError, match="does not unpack"):
        qr.decode_texts(["LW1:" + qr.b45encode(b"not zlib at all")])


@pytest.mark.parametrize(
    "text, sentence",
    [
        ("https://example.org", "does not hold a Learner Wallet bundle"),
        ("LW7:ABC", "newer version"),
        ("LW1P:x:3:AB:CD", "part number cannot be read"),
        ("LW1P:4:3:0123456789ABCDEF:AAA", "out of range"),
        ("LW1H:ABCD:12", "fingerprint in it is not complete"),
        ("LW1:" + qr.b45encode(zlib.compress(b"[1, 2]")), "not a bundle"),
    ],
)
def test_bad_codes_get_a_plain_sentence(text: str, sentence: str) -> None:
    with pytest.raises(BundleError, match=sentence):
        qr.decode_texts([text])


def test_request_round_trip_and_is_not_taken_for_a_bundle() -> None:
    text = qr.encode_request("b780383b-4808", "https://verifier.example.org")
    assert all(c in qr._B45_INDEX for c in text)
    assert qr.decode_request(text) == ("b780383b-4808", "https://verifier.example.org")
    assert qr.decode_request("  " + text.lower() + "\n") == ("b780383b-4808", "https://verifier.example.org")
    with pytest.raises(BundleError, match="request for a bundle, not a bundle"):
        qr.decode_texts([text])
    with pytest.raises(BundleError, match="not a request"):
        qr.decode_request("LW1:ABC")


_ALPHABET = qr._B45 + "LWPHR0123456789:"


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=120).map(lambda t: "LW1" + t), min_size=1, max_size=6))
@example([NESTED])
@example(["LW1P:1:1:0123456789ABCDEF:AAA"])
@settings(max_examples=300, deadline=None)
def test_any_scanned_text_gives_a_bundle_or_a_plain_sentence(texts: list[str]) -> None:
    from wallet.errors import WalletError

    try:
        decoded = qr.decode_texts(texts)
    except WalletError as exc:
        assert exc.message.endswith((".", "!")) and "Traceback" not in exc.message
    else:
        assert decoded.document is not None or len(decoded.sha256) == 64


# ---------------------------------------------------------------- codes read one by one (a camera)


def test_collector_takes_parts_in_any_order_with_repeats(interop: Path) -> None:
    vp = fake_vp(interop, 10)
    texts = qr.encode_presentation(vp).texts
    assert len(texts) >= 3
    collector = qr.CodeCollector()
    assert collector.progress() == "No code read yet." and not collector.complete
    order = [texts[-1], texts[0], texts[-1], *texts[1:-1]]
    seen = []
    for text in order:
        collector.add(text)
        seen.append(collector.progress())
    assert seen[0] == f"1 of {len(texts)} codes read"
    assert seen[2] == f"2 of {len(texts)} codes read"  # the repeat changed nothing
    assert collector.complete and collector.result().document == vp


def test_collector_refuses_a_stray_code_and_keeps_what_it_read(interop: Path) -> None:
    mine = qr.encode_presentation(fake_vp(interop, 10)).texts
    other = qr.encode_presentation(fake_vp(interop, 9)).texts
    collector = qr.CodeCollector()
    assert collector.add(mine[0]) and not collector.add(mine[0])
    with pytest.raises(BundleError, match="belongs to another bundle"):
        collector.add(other[1])
    with pytest.raises(BundleError, match="request for a bundle"):
        collector.add(qr.encode_request("c", "https://x.example"))
    with pytest.raises(BundleError, match="does not hold a Learner Wallet bundle"):
        collector.add("https://example.org")
    assert collector.read == 1 and collector.total == len(mine)


def test_collector_single_code_and_a_part_that_does_not_fit(interop: Path) -> None:
    whole = qr.encode_presentation(fake_vp(interop, 1)).texts
    assert len(whole) == 1
    collector = qr.CodeCollector()
    collector.add(whole[0])
    assert collector.complete and collector.progress() == "1 of 1 code read"
    texts = qr.encode_presentation(fake_vp(interop, 10)).texts
    head, _, data = texts[1].rpartition(":")
    damaged = [texts[0], f"{head}:{'0' if data[0] != '0' else '1'}{data[1:]}", *texts[2:]]
    collector = qr.CodeCollector()
    for text in damaged:
        collector.add(text)
    assert collector.complete
    with pytest.raises(BundleError, match="a part was changed or damaged"):
        collector.result()


# ---------------------------------------------------------------- the format document


DOC = Path(__file__).resolve().parents[2] / "docs" / "qr-payload.md"


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _limit(doc: str, name: str) -> str:
    """The value cell of a row of the document's limits table."""
    found = re.search(rf"^\| {re.escape(name)} \| ([^|]+) \|", doc, re.M)
    assert found, f"no limits row {name!r} in {DOC.name}"
    return found.group(1).strip()


def test_the_format_document_states_the_codes_constants() -> None:
    from wallet.formats.detect import MAX_JSON_DEPTH

    doc = DOC.read_text(encoding="utf-8")
    assert _number(_limit(doc, "characters in one code")) == qr.MAX_CODE_CHARS
    assert _number(_limit(doc, "parts")) == qr.MAX_PARTS
    assert _limit(doc, "decompressed size") == f"{qr.MAX_DECOMPRESSED // (1024 * 1024)} MiB"
    assert _limit(doc, "JSON nesting") == f"{MAX_JSON_DEPTH} levels"
    assert _number(_limit(doc, "codes read at once").split()[0]) == qr.MAX_CODES
    assert _number(_limit(doc, "pictures read at once")) == qr.MAX_IMAGES
    capacity = re.search(r"fits QR version (\d+) at level M \(capacity ([\d,]+) alphanumeric", doc)
    version, chars = int(capacity.group(1)), _number(capacity.group(2))
    assert qr._alnum_version(qr.MAX_CODE_CHARS) == version
    assert qr._alnum_version(chars) == version < qr._alnum_version(chars + 1)  # the exact capacity
    assert f"first {qr.CHECK_CHARS} hex digits" in doc and f"level {qr.ZLIB_LEVEL})" in doc
    prefixes = re.findall(r"^\| `(LW1[A-Z]?:)` \|", doc, re.M)
    assert prefixes == [qr.PREFIX_WHOLE, qr.PREFIX_PART, qr.PREFIX_HASH, qr.PREFIX_REQUEST]
    whole = qr.MAX_CODE_CHARS - len(qr.PREFIX_WHOLE)
    assert f"at most {whole:,} Base45 characters, that is {whole // 3 * 2} bytes" in doc


def test_the_format_documents_request_example_decodes_as_it_says() -> None:
    doc = DOC.read_text(encoding="utf-8")
    said = re.search(r"The request for challenge `([^`]+)` and domain `([^`]+)` is\s+```\s+(LW1R:\S+)", doc)
    assert qr.decode_request(said.group(3)) == (said.group(1), said.group(2))
    assert qr.encode_request(said.group(1), said.group(2)) == said.group(3)


def test_the_format_documents_enveloped_credential_is_what_bundles_embed(interop: Path) -> None:
    from wallet import bundle
    from wallet.formats import parse

    doc = DOC.read_text(encoding="utf-8")
    shown = json.loads(re.search(r"```json\n(\{.*?\})\n```", doc, re.S).group(1))
    jwt = parse((interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "ob30"
                 / "simple.jwt").read_bytes())[0]
    embedded = bundle.embed(jwt)
    assert list(embedded) == list(shown)  # the same members, in the same order
    assert embedded["@context"] == shown["@context"] and embedded["type"] == shown["type"]
    assert embedded["id"].startswith(shown["id"].split("<")[0])


def test_the_format_documents_example_bundle_is_measured(wallet, interop: Path) -> None:
    """The worked example: names the corpus files, and how many parts of which version."""
    from wallet import bundle
    from wallet.formats import parse
    from wallet.identity import Identities

    doc = DOC.read_text(encoding="utf-8")
    example = doc[doc.index("A three-credential bundle of the interop corpus"):]
    names = re.findall(r"`([\w-]+\.json)`", example)
    words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    said = re.search(r"goes in (\w+) parts of QR version (\d+)", example)
    Identities(wallet.store).default()
    ids = []
    for name in names:
        cred = parse((interop / "peer-vcjs" / "stack" / name).read_bytes())[0]
        wallet.store.add(cred)
        ids.append(cred.id)
    vp = bundle.create_bundle(wallet, ids, challenge="b780383b", domain="https://verifier.example.org")
    payload = qr.encode_presentation(vp)
    assert len(names) == 3 and payload.count == words[said.group(1)]
    assert {qr.matrix(t).version for t in payload.texts} == {int(said.group(2))}
    assert all(t.startswith(f"LW1P:{i}:{payload.count}:") for i, t in enumerate(payload.texts, 1))
    assert f"LW1P:{payload.count}:{payload.count}:" in example
