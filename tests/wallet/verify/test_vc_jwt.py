"""JWT credentials: VC 1.1 ``vc`` claim and vc+jwt, algorithms pinned to key types."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from wallet.verify import Status, verify_credential
from wallet.verify import keys as k
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.multibase import b64url_decode, b64url_encode
from wallet.verify.report import CheckName, Outcome
from tests.wallet.verify.verify_helpers import ec_key, ed_key, env, ob3_credential

NBF = int(datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp())


def _token(header: dict, payload: dict, signer) -> str:
    head = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(json.dumps(payload).encode())
    return f"{head}.{body}.{b64url_encode(signer(f'{head}.{body}'.encode()))}"


def _signer(key, alg: str):
    if alg in ("RS256", "PS256"):
        pad = padding.PKCS1v15() if alg == "RS256" else padding.PSS(padding.MGF1(hashes.SHA256()), 32)
        return lambda m: key.sign(m, pad, hashes.SHA256())
    return lambda m: k.sign_raw(key, m, hash_name="sha384" if alg == "ES384" else "sha256")


def vc11(key, alg: str = "EdDSA", *, header: dict | None = None, **claims) -> str:
    did = did_key_from_public_key(key) if alg not in ("RS256", "PS256") else "https://example.edu/issuers/1"
    vc = ob3_credential(did)
    vc["@context"] = ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    vc.pop("validFrom")
    payload = {"vc": vc, "iss": did, "sub": vc["credentialSubject"]["id"], "jti": vc["id"], "nbf": NBF}
    payload.update(claims)
    head = header if header is not None else {"alg": alg, "typ": "JWT", "kid": verification_method_for(key)}
    return _token(head, payload, _signer(key, alg))


@pytest.mark.parametrize(("alg", "make"), [("EdDSA", ed_key), ("ES256", lambda: ec_key("P-256")), ("ES384", lambda: ec_key("P-384"))])
def test_vc11_jwt_with_did_key_verifies(alg: str, make) -> None:
    key = make()
    report = verify_credential(vc11(key, alg), env())
    assert report.status is Status.VERIFIED, report.checks
    assert report.signer.issuer_name == "Example University"
    tampered = vc11(key, alg).split(".")
    tampered[1] = tampered[1][:-4] + ("AAAA" if tampered[1][-4:] != "AAAA" else "BBBB")
    assert verify_credential(".".join(tampered), env()).status is Status.NOT_VERIFIED


SELF_ASSERTED = ("The signature is valid for a key carried in the credential itself, "
                 "which is not confirmed as the issuer's.")


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rsa_with_a_header_jwk_is_self_asserted(alg: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = {"alg": alg, "typ": "JWT", "jwk": k.key_to_jwk(key.public_key())}
    report = verify_credential(vc11(key, alg, header=header), env())
    assert report.status is Status.OFFLINE  # the https issuer's document could say; it is not here
    assert report.check(CheckName.ISSUER_KEY).code == "self-asserted-key"
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.check(CheckName.SIGNATURE).message == SELF_ASSERTED
    assert not report.vouches
    # with the issuer's profile listing that very key, it is the issuer's
    bound = verify_credential(vc11(key, alg, header=header), _rsa_issuer_env(key))
    assert bound.status is Status.VERIFIED and bound.vouches, bound.checks
    assert bound.check(CheckName.SIGNATURE).message == "The signature is valid."


def test_algorithm_must_fit_the_key_type() -> None:
    key = ed_key()
    token = vc11(key, header={"alg": "ES256", "kid": verification_method_for(key)})
    report = verify_credential(token, env())
    assert report.check(CheckName.SIGNATURE).code == "wrong-key-type"


@pytest.mark.parametrize(
    ("header", "code"),
    [({"alg": "none"}, "unsigned-jwt"), ({"alg": "HS256"}, "hmac-jwt"), ({"alg": "RS512"}, "unsupported-alg"),
     ({"alg": "EdDSA", "crit": ["exp-ext"], "exp-ext": 1}, "unknown-crit")],
)
def test_refused_headers(header: dict, code: str) -> None:
    key = ed_key()
    header = dict(header, kid=verification_method_for(key))
    if header["alg"] == "HS256":
        def mac(m: bytes) -> bytes:
            h = hmac.HMAC(b"secret", hashes.SHA256())
            h.update(m)
            return h.finalize()
        token = vc11(key, header=header)
        head, body, _ = token.split(".")
        token = f"{head}.{body}.{b64url_encode(mac(f'{head}.{body}'.encode()))}"
    else:
        token = vc11(key, header=header)
    report = verify_credential(token, env())
    assert report.status is Status.NOT_VERIFIED
    assert report.check(CheckName.SIGNATURE).code == code


@pytest.mark.parametrize(
    "claims",
    [{"iss": "did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA"}, {"sub": "did:example:someone-else"},
     {"jti": "urn:uuid:another"}],
)
def test_registered_claims_bound_to_the_credential(claims: dict) -> None:
    report = verify_credential(vc11(ed_key(), **claims), env())
    assert report.status is Status.NOT_VERIFIED
    assert "jwt-claims-mismatch" in report.codes


def test_nbf_must_match_issuance_date_and_exp_expires() -> None:
    key = ed_key()
    did = did_key_from_public_key(key)
    vc = ob3_credential(did, issuanceDate="2024-01-01T00:00:00Z")
    payload = {"vc": vc, "iss": did, "nbf": NBF}
    token = _token({"alg": "EdDSA", "kid": verification_method_for(key)}, payload, _signer(key, "EdDSA"))
    assert "jwt-claims-mismatch" in verify_credential(token, env()).codes
    exp = int(datetime(2025, 6, 1, tzinfo=timezone.utc).timestamp())
    report = verify_credential(vc11(key, exp=exp), env())
    assert report.check(CheckName.DATES).code == "expired"
    assert report.summary == "Expired on 1 June 2025."
    late = verify_credential(vc11(key, nbf=int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())), env())
    assert "not-yet-valid" in late.codes


def test_vc_jose_cose_payload_is_the_credential() -> None:
    key = ec_key("P-256")
    doc = ob3_credential(did_key_from_public_key(key))
    token = _token({"alg": "ES256", "typ": "vc+jwt", "kid": verification_method_for(key)}, doc, _signer(key, "ES256"))
    report = verify_credential(token, env())
    assert report.status is Status.VERIFIED, report.checks


def test_a_jwt_signed_by_another_did_key_names_it() -> None:
    issuer, other = ed_key(1), ed_key(7)
    did = did_key_from_public_key(issuer)
    payload = {"vc": ob3_credential(did), "iss": did}
    token = _token({"alg": "EdDSA", "kid": verification_method_for(other)}, payload, _signer(other, "EdDSA"))
    report = verify_credential(token, env())
    assert report.check(CheckName.ISSUER_KEY).code == "wrong-key"
    assert did_key_from_public_key(other) in report.check(CheckName.ISSUER_KEY).message


def test_https_issuer_without_cache_cannot_be_checked_offline() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = vc11(key, "RS256", header={"alg": "RS256", "typ": "JWT"})
    report = verify_credential(token, env())
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.ISSUER_KEY).message == "The issuer key is not available offline."
    cached = verify_credential(token, _rsa_issuer_env(key))
    assert cached.status is Status.VERIFIED, cached.checks
    # a key in the profile that is not listed for signing credentials signs nothing
    unlisted = {"id": ISSUER, "verificationMethod": _profile(key)["verificationMethod"]}
    assert verify_credential(token, env(documents={ISSUER: unlisted})).status is Status.NOT_VERIFIED


def test_damaged_tokens_are_refused_with_a_sentence() -> None:
    for token in ("a.b.c", "eyJhbGciOiJFZERTQSJ9.e30", "eyJhbGciOiJFZERTQSJ9.W10.AAAA"):
        report = verify_credential(token, env())
        assert report.status is Status.NOT_VERIFIED
        assert report.summary


def test_vc11_properties_left_to_the_registered_claims() -> None:
    key = ed_key()
    did = did_key_from_public_key(key)
    vc = ob3_credential(did)
    vc["@context"] = ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    for prop in ("issuer", "id", "validFrom"):
        vc.pop(prop)
    subject = vc["credentialSubject"].pop("id")
    payload = {"vc": vc, "iss": did, "sub": subject, "jti": "urn:uuid:1", "nbf": NBF}
    token = _token({"alg": "EdDSA", "kid": verification_method_for(key)}, payload, _signer(key, "EdDSA"))
    report = verify_credential(token, env())
    assert report.status is Status.VERIFIED, report.checks
    assert report.signer.issuer_id == did


ISSUER = "https://example.edu/issuers/1"


def _profile(key) -> dict:
    """The issuer's own profile (a controller document) listing its key for credentials."""
    return {
        "id": ISSUER,
        "verificationMethod": [{"id": f"{ISSUER}#key-1", "type": "JsonWebKey", "controller": ISSUER,
                                "publicKeyJwk": k.key_to_jwk(key.public_key())}],
        "assertionMethod": [f"{ISSUER}#key-1"],
    }


def _rsa_issuer_env(key) -> object:
    return env(documents={ISSUER: _profile(key)})


@pytest.mark.parametrize("alg", ["RS256", "PS256"])
def test_rsa_issuer_key_from_the_cache_verifies_and_each_padding_stays_its_own(alg: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = vc11(key, alg, header={"alg": alg, "typ": "JWT"})
    report = verify_credential(token, _rsa_issuer_env(key))
    assert report.status is Status.VERIFIED, report.checks
    assert alg in report.check(CheckName.SIGNATURE).detail
    # the same signature under the other RSA algorithm's name does not hold
    other = "PS256" if alg == "RS256" else "RS256"
    head = b64url_encode(json.dumps({"alg": other, "typ": "JWT"}).encode())
    _, body, sig = token.split(".")
    relabelled = _token({"alg": other, "typ": "JWT"}, json.loads(b64url_decode(body)), lambda m: b64url_decode(sig))
    assert relabelled.split(".")[0] == head
    assert verify_credential(relabelled, _rsa_issuer_env(key)).status is Status.NOT_VERIFIED
    # one changed byte of the payload breaks it
    broken = token.split(".")
    broken[1] = b64url_encode(b64url_decode(broken[1]).replace(b"Example University", b"Example Universitx"))
    assert verify_credential(".".join(broken), _rsa_issuer_env(key)).codes >= {"tampered"}


def test_rsa_algorithms_refuse_other_key_types_and_other_algorithms_refuse_rsa() -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # an RSA key asked to check an EdDSA signature
    token = vc11(rsa_key, "RS256", header={"alg": "EdDSA", "typ": "JWT"})
    assert verify_credential(token, _rsa_issuer_env(rsa_key)).check(CheckName.SIGNATURE).code == "wrong-key-type"
    # an Ed25519 key in the header under RS256
    ed = ed_key(4)
    header = {"alg": "RS256", "typ": "JWT", "jwk": k.key_to_jwk(ed.public_key())}
    token = _token(header, {"vc": ob3_credential("https://example.edu/issuers/1"), "iss": "https://example.edu/issuers/1"},
                   _signer(ed, "EdDSA"))
    assert verify_credential(token, env()).check(CheckName.SIGNATURE).code == "wrong-key-type"


def test_a_header_jwk_is_self_asserted_for_every_key_type() -> None:
    key = ed_key(5)
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": k.key_to_jwk(key.public_key())}
    token = _token(header, {"vc": ob3_credential("https://example.edu/issuers/1"), "iss": "https://example.edu/issuers/1"},
                   _signer(key, "EdDSA"))
    report = verify_credential(token, env())
    assert report.status is Status.OFFLINE
    issuer_key = report.check(CheckName.ISSUER_KEY)
    assert issuer_key.code == "self-asserted-key"
    assert issuer_key.message == ("The signature was made with a key carried in the credential itself; "
                                  "whether it is the issuer's key cannot be checked offline.")
    assert report.summary != "Signed by Example University" and not report.issuer_confirmed


def test_a_header_jwk_with_an_issuer_no_key_can_belong_to_names_no_signer() -> None:
    key = ed_key(5)
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": k.key_to_jwk(key.public_key())}
    issuer = "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164"
    token = _token(header, {"vc": ob3_credential(issuer), "iss": issuer}, _signer(key, "EdDSA"))
    report = verify_credential(token, env())
    assert report.status is Status.WARNINGS and not report.vouches
    assert report.check(CheckName.ISSUER_KEY).code == "self-asserted-key"
    assert report.check(CheckName.SIGNATURE).message == SELF_ASSERTED
    assert "Signed by" not in report.summary


@pytest.mark.parametrize("where", ["did:key", "did:web"])
def test_a_header_jwk_that_is_not_the_issuers_known_key_fails(where: str) -> None:
    """Reproduction: an issuer whose key is known (its did:key, its cached DID document)
    and a token signed by another key carried in the header."""
    issuer_key, mallory = ed_key(1), ed_key(9)
    if where == "did:key":
        issuer, documents = did_key_from_public_key(issuer_key), None
    else:
        issuer = "did:web:university.example"
        documents = {issuer: {
            "id": issuer,
            "verificationMethod": [{"id": f"{issuer}#k1", "type": "Multikey", "controller": issuer,
                                    "publicKeyMultibase": k.multikey_encode(issuer_key.public_key())}],
            "assertionMethod": ["#k1"],
        }}
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": k.key_to_jwk(mallory.public_key())}
    forged = _token(header, {"vc": ob3_credential(issuer), "iss": issuer}, _signer(mallory, "EdDSA"))
    report = verify_credential(forged, env(documents=documents))
    line = report.check(CheckName.ISSUER_KEY)
    assert report.status is Status.NOT_VERIFIED and line.code == "wrong-key"
    assert line.message == "Signed with a key that is not the issuer's (a key carried in the credential itself)."
    # the issuer's own key carried the same way is the issuer's
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": k.key_to_jwk(issuer_key.public_key())}
    genuine = _token(header, {"vc": ob3_credential(issuer), "iss": issuer}, _signer(issuer_key, "EdDSA"))
    report = verify_credential(genuine, env(documents=documents))
    assert report.status is Status.VERIFIED and report.vouches, report.checks


def test_a_kid_and_a_different_header_jwk_are_refused() -> None:
    key, other = ed_key(1), ed_key(2)
    header = {"alg": "EdDSA", "kid": verification_method_for(key), "jwk": k.key_to_jwk(other.public_key())}
    report = verify_credential(vc11(key, header=header), env())
    assert report.status is Status.NOT_VERIFIED and report.check(CheckName.SIGNATURE).code == "bad-key"


def test_a_real_rs256_token_with_its_key_in_the_header(interop: Path) -> None:
    """1EdTech's CLR 2.0 fixture: RS256, the key as a JWK in the header, an https issuer."""
    token = (interop / "vectors/1EdTech__digital-credentials-public-validator/clr20/simple.jwt").read_text()
    report = verify_credential(token, env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert "RS256" in report.check(CheckName.SIGNATURE).detail
    assert report.check(CheckName.ISSUER_KEY).code == "self-asserted-key"
    assert report.status is Status.OFFLINE and not report.vouches
    head, body, sig = token.strip().split(".")
    changed = b64url_decode(body).replace(b'"name"', b'"Name"', 1)
    assert verify_credential(".".join([head, b64url_encode(changed), sig]), env()).status is Status.NOT_VERIFIED
