"""Baked badges: PNG (iTXt / tEXt) and SVG, OB 2.0 and OB 3.0, and hostile pictures."""

from __future__ import annotations

import json
import zlib

import pytest

from wallet.credential import Envelope, Format
from wallet.errors import InputTooLarge, MalformedCredential, UnsupportedFormat
from wallet.formats import MAX_TEXT_BYTES, parse


# ---------------------------------------------------------------- PNG

@pytest.mark.parametrize("keyword", ["openbadges", "openbadgecredential"])
def test_ob3_credential_baked_in_png(bake, stack_credential, keyword):
    picture = bake.png(stack_credential.decode(), keyword=keyword)
    (cred,) = parse(picture)
    assert cred.envelope is Envelope.PNG and cred.format is Format.OB3
    assert cred.raw == picture  # the picture is kept verbatim
    assert cred.signed == stack_credential.decode().strip()
    assert cred.document["credentialSubject"]["achievement"]["name"] == cred.title
    assert cred.title == "Cyber Security Essentials 1: Threats and Risks"


def test_ob2_signed_assertion_baked_in_png(bake, ob2_signed):
    (cred,) = parse(bake.png(ob2_signed))
    assert (cred.envelope, cred.format) == (Envelope.PNG, Format.OB2)
    assert cred.signed == ob2_signed  # a JWS: what the issuer signed
    assert cred.document["type"] == "Assertion"
    assert cred.summary.issued.isoformat() == "2016-12-31T23:59:59+00:00"


def test_ob2_hosted_assertion_json_baked_in_png(bake, interop):
    badge = json.loads((interop / "vectors/1EdTech__digital-credentials-public-validator/ob20/assets/"
                                  "robotics-badge.json").read_text())
    issuer = json.loads((interop / "vectors/1EdTech__digital-credentials-public-validator/ob20/assets/"
                                   "organization.json").read_text())
    badge["issuer"] = issuer
    assertion = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
        "id": "https://example.org/assertions/123", "badge": badge,
        "recipient": {"type": "email", "hashed": False, "identity": "beth@example.org"},
        "issuedOn": "2016-12-31T23:59:59Z", "verification": {"type": "hosted"},
    }
    (cred,) = parse(bake.png(json.dumps(assertion)))
    assert cred.format is Format.OB2
    assert cred.title == "Awesome Robotics Badge"
    assert cred.summary.issuer_name == "An Example Badge Issuer"
    assert cred.summary.subject_id == "beth@example.org"


def test_compressed_itxt_is_read(bake, stack_credential):
    (cred,) = parse(bake.png(stack_credential.decode(), compressed=True))
    assert cred.format is Format.OB3


def test_legacy_text_chunk_with_url_says_it_needs_the_network(bake):
    picture = bake.png("https://example.org/assertions/1.json", chunk="tEXt")
    with pytest.raises(UnsupportedFormat) as info:
        parse(picture)
    assert "only a link" in info.value.message


def test_png_with_other_text_chunks_only(bake):
    with pytest.raises(UnsupportedFormat, match="no badge baked"):
        parse(bake.png("made with a drawing program", keyword="Software"))


def test_truncated_png(bake, stack_credential):
    picture = bake.png(stack_credential.decode())
    for cut in (len(picture) - 5, len(picture) // 2, 40, 12):
        with pytest.raises(MalformedCredential) as info:
            parse(picture[:cut])
        assert info.value.message == "This picture is damaged: the file is cut short or broken."


def test_damaged_badge_chunk_checksum(bake, stack_credential):
    picture = bytearray(bake.png(stack_credential.decode()))
    at = picture.index(b"iTXt") + 40
    picture[at] ^= 0x20
    with pytest.raises(MalformedCredential):
        parse(bytes(picture))


def test_decompression_bomb_is_stopped(bake):
    bomb = zlib.compress(b"{" + b" " * (200 * 1024 * 1024), 9)  # 200 MB of text in ~200 KB
    assert len(bomb) < 1024 * 1024
    body = b"openbadges\x00\x01\x00\x00\x00" + bomb
    picture = bake.insert(bake.png(None), bake.chunk(b"iTXt", body))
    with pytest.raises(InputTooLarge) as info:
        parse(picture)
    assert "unpacks to far more data" in info.value.message


def test_oversized_badge_text_is_refused(bake):
    text = '{"a":"' + "x" * (MAX_TEXT_BYTES + 10) + '"}'
    with pytest.raises(InputTooLarge):
        parse(bake.png(text))


def test_ob3_credential_in_a_compressed_text_chunk(bake, stack_credential):
    picture = bake.png(stack_credential.decode(), chunk="zTXt")
    assert b"zTXt" in picture
    (cred,) = parse(picture)
    assert cred.title == "Cyber Security Essentials 1: Threats and Risks"


@pytest.mark.parametrize("chunk, sentence", [
    ("tEXt", "The badge baked into this picture is too large."),
    ("zTXt", "The badge baked into this picture unpacks to far more data than a credential holds."),
])
def test_the_text_cap_holds_for_every_kind_of_text_chunk(bake, chunk, sentence):
    text = '{"a":"' + "x" * (MAX_TEXT_BYTES + 10) + '"}'
    with pytest.raises(InputTooLarge) as info:
        parse(bake.png(text, chunk=chunk))
    assert info.value.message == sentence
    assert chunk in info.value.detail


def test_compressed_text_chunk_bomb_is_stopped(bake):
    bomb = zlib.compress(b"{" + b" " * (4 * MAX_TEXT_BYTES), 9)  # 32 MB of text in ~32 KB
    picture = bake.insert(bake.png(None), bake.chunk(b"zTXt", b"openbadgecredential\x00\x00" + bomb))
    with pytest.raises(InputTooLarge) as info:
        parse(picture)
    assert "unpacks to far more data" in info.value.message


def _named(title: str, stack_credential: bytes) -> str:
    doc = json.loads(stack_credential)
    doc["credentialSubject"]["achievement"]["name"] = title
    return json.dumps(doc, ensure_ascii=False)


def test_latin1_text_chunk_is_read_as_latin1(bake, stack_credential):
    """The PNG specification's encoding for tEXt: "ë" is the one byte 0xEB."""
    text = _named("Zoë's Café Skills", stack_credential).encode("latin-1")
    (cred,) = parse(bake.png(text, chunk="tEXt"))
    assert cred.title == "Zoë's Café Skills"


def test_utf8_text_chunk_is_read_as_the_baker_meant(bake, stack_credential):
    """A baker that wrote UTF-8 into tEXt: read as Latin-1 it would say "ZoÃ«"."""
    text = _named("Zoë's Café Skills — Łódź", stack_credential).encode("utf-8")
    (cred,) = parse(bake.png(text, chunk="tEXt"))
    assert cred.title == "Zoë's Café Skills — Łódź"


def test_chunk_length_past_the_end(bake):
    picture = bake.png(None)
    lying = picture[:33] + (0x7FFFFFF0).to_bytes(4, "big") + b"iTXt" + picture[41:]
    with pytest.raises(MalformedCredential):
        parse(lying)


def test_baked_hostile_json_is_still_bounded(bake):
    with pytest.raises(InputTooLarge):
        parse(bake.png("{\"a\":" * 100_000 + "1" + "}" * 100_000))


def test_baked_text_that_is_no_credential(bake):
    with pytest.raises(MalformedCredential, match="damaged"):
        parse(bake.png("hello there"))


# ---------------------------------------------------------------- SVG

def test_ob2_signed_assertion_in_svg_verify_attribute(bake, ob2_signed):
    (cred,) = parse(bake.svg(ob2_signed, in_verify=True))
    assert (cred.envelope, cred.format) == (Envelope.SVG, Format.OB2)
    assert cred.signed == ob2_signed


def test_ob2_assertion_json_in_cdata_with_jws_in_verify(bake, ob2_signed):
    """The OB 2.0 baking spec's form: the JWS in verify wins, being what was signed."""
    (cred,) = parse(bake.svg('{"type": "Assertion"}', verify=ob2_signed))
    assert cred.signed == ob2_signed


def test_ob3_credential_element(bake, stack_credential):
    svg = bake.svg(stack_credential.decode(), element="credential", namespace=bake.OB3_NS)
    (cred,) = parse(svg)
    assert (cred.envelope, cred.format) == (Envelope.SVG, Format.OB3)
    assert cred.raw == svg
    assert cred.summary.credits == 1.0


def test_svg_hosted_url_only(bake):
    with pytest.raises(UnsupportedFormat, match="only a link"):
        parse(bake.svg("https://example.org/assertion.json", in_verify=True))


def test_svg_without_badge():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    with pytest.raises(UnsupportedFormat, match="no badge baked"):
        parse(svg)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion>&lol9;</openbadges:assertion></svg>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
<openbadges:assertion>&xxe;</openbadges:assertion></svg>
"""


@pytest.mark.parametrize("svg", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_svg_with_dtd_is_refused(svg):
    with pytest.raises(UnsupportedFormat) as info:
        parse(svg)
    assert "document type declaration" in info.value.message
    assert "root:" not in info.value.detail


def test_svg_nested_too_deeply():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 50_000 + b"</g>" * 50_000 + b"</svg>"
    with pytest.raises(InputTooLarge):
        parse(svg)


WIDE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g/>" * 4_000_000 + b"</svg>"  # 15.3 MB, legal


def test_svg_with_millions_of_elements_is_refused():
    with pytest.raises(InputTooLarge) as info:
        parse(WIDE_SVG)
    assert info.value.message == "This SVG picture has far more parts than a badge picture."


def test_reading_stops_at_the_badge(bake, stack_credential):
    """Whatever follows the badge element (a huge drawing, even a broken end) is not read."""
    svg = bake.svg(stack_credential.decode(), element="credential", namespace=bake.OB3_NS)
    svg = svg.replace(b"</svg>", b"<g/>" * 1_000_000 + b"<unclosed>")
    (cred,) = parse(svg)
    assert cred.format is Format.OB3


def test_many_doctype_openings_are_refused_at_once():
    """A pattern search for DTDs would take minutes on this (each opening scanned to the end)."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<!DOCTYPE" * 1_500_000
    with pytest.raises(MalformedCredential, match="SVG picture is damaged"):
        parse(svg)


def test_broken_svg():
    with pytest.raises(MalformedCredential, match="SVG picture is damaged"):
        parse(b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')


def test_svg_with_the_public_svg_doctype_is_read(bake, stack_credential):
    """Drawing programs write a DOCTYPE naming the SVG 1.1 DTD; it is never fetched."""
    svg = bake.svg(stack_credential.decode(), element="credential", namespace=bake.OB3_NS)
    svg = svg.replace(b"<svg ", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                               b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg ', 1)
    (cred,) = parse(svg)
    assert cred.format is Format.OB3


def test_baked_picture_is_the_image_shown(bake, ob2_signed, stack_credential):
    import base64

    picture = bake.png(ob2_signed)
    (cred,) = parse(picture)
    assert cred.summary.image == "data:image/png;base64," + base64.b64encode(picture).decode()
    svg = bake.svg(stack_credential.decode(), element="credential", namespace=bake.OB3_NS)
    (cred,) = parse(svg)
    assert cred.summary.image.startswith("data:image/svg+xml;base64,")
