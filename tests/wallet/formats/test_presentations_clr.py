"""What presentations and CLR 2.0 transcripts carry: each credential inside, kept on its own."""

from __future__ import annotations

import base64
import json

import pytest

from wallet.credential import Envelope, Format, content_id
from wallet.errors import MalformedCredential, UnsupportedFormat
from wallet.formats import parse
from wallet.formats.presentation import compact

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_json_presentation_yields_its_credentials(interop):
    data = (interop / "peer-vcjs/presentations/vp-eddsa-rdfc-2022.json").read_bytes()
    vp = json.loads(data)
    creds = parse(data)
    assert len(creds) == len(vp["verifiableCredential"]) == 3
    for cred, embedded in zip(creds, vp["verifiableCredential"]):
        assert cred.envelope is Envelope.JSON and cred.parent_id is None
        assert json.loads(cred.raw) == embedded
        assert cred.raw == compact(embedded).encode()
        assert cred.id == content_id(cred.raw)
        assert "proof" in cred.document


def test_clr_json_is_kept_with_its_children(interop):
    data = (interop / EDTECH / "clr20/simple.json").read_bytes()
    clr, *children = parse(data)
    assert clr.format is Format.CLR2 and clr.raw == data and clr.parent_id is None
    assert clr.title == "Sample Transcript"
    assert [c.title for c in children] == ["Teamwork"]
    assert all(c.parent_id == clr.id for c in children)
    assert children[0].format is Format.OB3
    assert children[0].summary.issuer_name == "Example Corp"


def test_clr_jwt_children_are_jwts(interop):
    data = (interop / EDTECH / "clr20/simple.jwt").read_bytes()
    clr, *children = parse(data)
    assert (clr.envelope, clr.format) == (Envelope.JWT, Format.CLR2)
    inner = json.loads(base64.urlsafe_b64decode(data.split(b".")[1] + b"=="))["vc"]
    strings = inner["credentialSubject"]["verifiableCredential"]
    assert [c.signed for c in children] == strings
    assert all(c.envelope is Envelope.JWT and c.raw == c.signed.encode() for c in children)


def test_vp_jwt_with_enveloped_and_plain_jwt_credentials(interop):
    vc_jwt = (interop / EDTECH / "ob30/simple.jwt").read_text().strip()
    clr_jwt = (interop / EDTECH / "clr20/simple.jwt").read_text().strip()
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [
              {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
               "id": f"data:application/vc+jwt,{vc_jwt}"},
              clr_jwt,
          ]}
    token = f"{_b64({'alg': 'EdDSA', 'typ': 'vp+jwt'})}.{_b64(vp)}.c2ln"
    creds = parse(token.encode())
    assert [c.format for c in creds] == [Format.OB3, Format.CLR2, Format.OB3]
    assert creds[0].signed == vc_jwt
    assert creds[2].parent_id == creds[1].id  # the CLR's child stays linked to it


def test_vp_claim_presentation():
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "issuer": "did:example:1", "issuanceDate": "2020-01-01T00:00:00Z", "credentialSubject": {"id": "x"}}
    vp = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [vc]}
    token = f"{_b64({'alg': 'ES256', 'typ': 'JWT'})}.{_b64({'vp': vp, 'iss': 'did:example:holder'})}.c2ln"
    (cred,) = parse(token.encode())
    assert cred.format is Format.VC1 and cred.document == vc


def test_empty_presentation():
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    with pytest.raises(UnsupportedFormat, match="holds no credentials"):
        parse(json.dumps(vp).encode())


def test_presentation_with_a_broken_credential_names_it():
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [{"type": "VerifiableCredential", "credentialSubject": {}},
                                   {"type": "EnvelopedVerifiableCredential", "id": "data:text/plain,hello"}]}
    with pytest.raises(MalformedCredential) as info:
        parse(json.dumps(vp).encode())
    assert info.value.message.startswith("Credential 2 inside this presentation could not be read")


def test_presentation_with_a_non_credential():
    vp = {"type": ["VerifiablePresentation"], "verifiableCredential": [{"name": "not a credential"}]}
    with pytest.raises(UnsupportedFormat, match="Credential 1 inside this presentation"):
        parse(json.dumps(vp).encode())
