"""Compact JWS credentials: VC-JWT 1.1 claims, vc+jwt, OB 2.0 signed assertions."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from wallet.credential import Envelope, Format
from wallet.errors import MalformedCredential
from wallet.formats import document_of, parse
from wallet.formats.jwt import decode

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def token(header: dict, payload: dict) -> str:
    """An unsigned-looking compact JWS: decoding never looks at the signature."""
    return f"{_b64(header)}.{_b64(payload)}.c2lnbmF0dXJl"


def test_vc_jwt_claims_fill_the_credential(interop):
    text = (interop / EDTECH / "ob30/simple.jwt").read_text()
    (cred,) = parse(text.encode())
    assert (cred.envelope, cred.format) == (Envelope.JWT, Format.OB3)
    assert cred.signed == text.strip()
    doc = cred.document
    assert doc["id"] == "http://example.edu/credentials/3732"  # jti
    assert doc["issuer"]["id"] == "https://example.edu/issuers/565049"  # iss
    assert doc["issuanceDate"] == "2010-01-01T00:00:00Z"  # nbf
    assert doc["credentialSubject"]["id"] == "did:example:ebfeb1f712ebc6f1c276e12ec21"  # sub
    assert cred.summary.title == "Example University Degree"
    assert cred.summary.valid_from == datetime(2010, 1, 1, tzinfo=timezone.utc)


def test_vc_jwt_exp_becomes_expiration_date():
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "credentialSubject": {"degree": "BSc"}}
    jws = token({"alg": "ES256", "typ": "JWT"}, {"vc": vc, "iss": "did:example:issuer", "sub": "did:example:me",
                                                 "nbf": 1262304000, "exp": 1893456000, "jti": "urn:uuid:1"})
    (cred,) = parse(jws.encode())
    assert cred.format is Format.VC1
    assert cred.document["issuer"] == "did:example:issuer"
    assert cred.document["expirationDate"] == "2030-01-01T00:00:00Z"
    assert cred.summary.valid_until == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert cred.summary.subject_id == "did:example:me"


def test_vc_jose_cose_payload_is_the_credential():
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "DegreeCredential"],
          "issuer": {"id": "did:example:uni", "name": "Example University"}, "validFrom": "2024-09-01T00:00:00Z",
          "validUntil": "2029-09-01T00:00:00Z", "credentialSubject": {"id": "did:example:me", "name": "Ada"},
          "name": "Bachelor of Science"}
    jws = token({"alg": "ES256", "typ": "vc+jwt", "kid": "did:example:uni#key-1"}, vc)
    (cred,) = parse(jws.encode())
    assert cred.format is Format.VC2
    assert cred.document == vc
    assert cred.title == "Bachelor of Science"
    assert cred.summary.issuer_name == "Example University"
    assert cred.summary.subject_name == "Ada"


def test_ob2_signed_assertion(interop):
    text = (interop / EDTECH / "ob20/simple.jwt").read_text()
    (cred,) = parse(text.encode())
    assert (cred.envelope, cred.format) == (Envelope.JWT, Format.OB2)
    assert cred.document["badge"] == "https://example.org/robotics-badge.json"
    assert "https://example.org/robotics-badge.json" in cred.summary.description
    assert cred.title == "Open Badge from example.org"
    assert cred.summary.image == "https://example.org/beths-robot-badge.png"


def test_document_of_matches_the_parsed_document(interop):
    text = (interop / EDTECH / "clr20/simple.jwt").read_text()
    clr = parse(text.encode())[0]
    assert document_of(Envelope.JWT, clr.signed) == clr.document
    assert document_of(Envelope.JSON, '{"a": 1}') == {"a": 1}


def test_decode_keeps_header_and_signing_input(interop):
    text = (interop / EDTECH / "clr20/simple.jwt").read_text().strip()
    jws = decode(text)
    assert jws.header["alg"] == "RS256" and "jwk" in jws.header
    assert jws.signing_input == text.rsplit(".", 1)[0].encode()
    assert len(jws.signature) == 256  # RS256 with a 2048-bit key


@pytest.mark.parametrize("bad", [
    "eyJhbGciOiJub25lIn0.A.sig",  # a base64url part of impossible length
    "eyJhbGciOiJub25lIn0.bm90IGpzb24.sig",  # payload "not json"
    "WzEsMl0.eyJhIjoxfQ.sig",  # header is a JSON array
])
def test_damaged_jwts(bad):
    with pytest.raises(MalformedCredential):
        parse(bad.encode())


def test_jwt_payload_without_credential():
    from wallet.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat, match="no type VerifiableCredential"):
        parse(token({"alg": "HS256"}, {"sub": "1234567890", "name": "John Doe"}).encode())


def test_jwt_payload_nested_deeply_is_bounded():
    from wallet.errors import InputTooLarge

    deep = "eyJhbGciOiJub25lIn0." + base64.urlsafe_b64encode(b'{"a":' * 50_000 + b"1" + b"}" * 50_000).decode().rstrip("=") + ".x"
    with pytest.raises(InputTooLarge):
        parse(deep.encode())


def test_jwt_wrapped_over_several_lines(interop):
    text = (interop / EDTECH / "ob30/simple.jwt").read_text().strip()
    wrapped = "\n".join(text[i:i + 64] for i in range(0, len(text), 64)) + "\n"
    (cred,) = parse(wrapped.encode())
    assert cred.signed == text and cred.raw == wrapped.encode()
    assert cred.document["id"] == "http://example.edu/credentials/3732"
