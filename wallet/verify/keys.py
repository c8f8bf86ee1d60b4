"""Public keys as the verifier needs them: which curve, which bytes, which algorithm.

Keys arrive as did:key multibase, Multikey ``publicKeyMultibase``, Ed25519 2018/2020
``publicKeyBase58`` / ``publicKeyMultibase``, JWKs and PEM. Each becomes a
``cryptography`` public key; :func:`key_type` names its kind so that a suite or a JWT
algorithm can insist on the one key type it is defined for.
"""

from __future__ import annotations

from typing import Any, Union

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from wallet.verify import multibase as mb

PublicKey = Union[ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey, rsa.RSAPublicKey]
PrivateKey = Union[ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]

ED25519 = "Ed25519"
P256 = "P-256"
P384 = "P-384"
RSA = "RSA"


class KeyError_(ValueError):
    """A key that cannot be read (bad encoding, unsupported curve)."""


def key_type(key: PublicKey | PrivateKey) -> str:
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return ED25519
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        if isinstance(key.curve, ec.SECP256R1):
            return P256
        if isinstance(key.curve, ec.SECP384R1):
            return P384
        return key.curve.name
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return RSA
    return type(key).__name__


def public_of(key: PublicKey | PrivateKey) -> PublicKey:
    return key.public_key() if hasattr(key, "public_key") else key  # type: ignore[return-value]


def raw_public_bytes(key: PublicKey) -> bytes:
    """Ed25519: the 32 raw bytes; EC: the compressed point."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    raise KeyError_(f"no raw form for a {key_type(key)} key")


def same_key(a: PublicKey, b: PublicKey) -> bool:
    """Whether two public keys are the same key (compared by their DER encoding)."""
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return a.public_bytes(*der) == b.public_bytes(*der)


_CODEC_FOR_TYPE = {ED25519: mb.ED25519_PUB, P256: mb.P256_PUB, P384: mb.P384_PUB}


def multikey_encode(key: PublicKey) -> str:
    """publicKeyMultibase: multibase base58btc of multicodec + raw/compressed key."""
    code = _CODEC_FOR_TYPE.get(key_type(key))
    if code is None:
        raise KeyError_(f"no multicodec for a {key_type(key)} key")
    return mb.multibase_encode(mb.multicodec_wrap(code, raw_public_bytes(key)))


def multikey_decode(value: str) -> PublicKey:
    try:
        code, body = mb.multicodec_unwrap(mb.multibase_decode(value))
    except mb.EncodingError as exc:
        raise KeyError_(f"publicKeyMultibase is not readable: {exc}") from None
    try:
        if code == mb.ED25519_PUB:
            if len(body) != 32:
                raise KeyError_("an Ed25519 key has 32 bytes")
            return ed25519.Ed25519PublicKey.from_public_bytes(body)
        if code == mb.P256_PUB:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), body)
        if code == mb.P384_PUB:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), body)
    except ValueError as exc:
        raise KeyError_(f"the key bytes are not a point on the curve: {exc}") from None
    raise KeyError_(f"unsupported key type (multicodec 0x{code:x})")


_JWK_CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}


def jwk_to_key(jwk: dict[str, Any]) -> PublicKey:
    """A public JWK (OKP Ed25519, EC P-256/P-384, RSA) as a key; private parts ignored."""
    if not isinstance(jwk, dict):
        raise KeyError_("a JWK must be a JSON object")
    kty = jwk.get("kty")
    try:
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(mb.b64url_decode(jwk["x"]))
        if kty == "EC" and jwk.get("crv") in _JWK_CURVES:
            x = int.from_bytes(mb.b64url_decode(jwk["x"]), "big")
            y = int.from_bytes(mb.b64url_decode(jwk["y"]), "big")
            return ec.EllipticCurvePublicNumbers(x, y, _JWK_CURVES[jwk["crv"]]()).public_key()
        if kty == "RSA":
            n = int.from_bytes(mb.b64url_decode(jwk["n"]), "big")
            e = int.from_bytes(mb.b64url_decode(jwk["e"]), "big")
            return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyError_(f"the JWK is not a valid {kty} key: {exc}") from None
    raise KeyError_(f"unsupported JWK (kty {kty!r}, crv {jwk.get('crv')!r})")


def key_to_jwk(key: PublicKey) -> dict[str, str]:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": mb.b64url_encode(raw_public_bytes(key))}
    if isinstance(key, ec.EllipticCurvePublicKey):
        nums = key.public_numbers()
        size = (key.curve.key_size + 7) // 8
        return {
            "kty": "EC",
            "crv": key_type(key),
            "x": mb.b64url_encode(nums.x.to_bytes(size, "big")),
            "y": mb.b64url_encode(nums.y.to_bytes(size, "big")),
        }
    if isinstance(key, rsa.RSAPublicKey):
        nums = key.public_numbers()
        return {
            "kty": "RSA",
            "n": mb.b64url_encode(nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")),
            "e": mb.b64url_encode(nums.e.to_bytes((nums.e.bit_length() + 7) // 8, "big")),
        }
    raise KeyError_(f"no JWK form for a {key_type(key)} key")


def pem_to_key(pem: str) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise KeyError_(f"not a PEM public key: {exc}") from None
    if not isinstance(key, (ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey, rsa.RSAPublicKey)):
        raise KeyError_(f"unsupported PEM key {type(key).__name__}")
    return key


def verify_raw(key: PublicKey, signature: bytes, message: bytes, *, hash_name: str = "sha256", pss: bool = False) -> bool:
    """Check a signature; ECDSA signatures are IEEE P1363 (r || s), as JOSE and Data
    Integrity write them."""
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(utils.encode_dss_signature(r, s), message, ec.ECDSA(_hash(hash_name)))
        elif isinstance(key, rsa.RSAPublicKey):
            pad = (
                padding.PSS(mgf=padding.MGF1(_hash(hash_name)), salt_length=padding.PSS.AUTO)
                if pss
                else padding.PKCS1v15()
            )
            key.verify(signature, message, pad, _hash(hash_name))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def sign_raw(key: PrivateKey, message: bytes, *, hash_name: str = "sha256") -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(message)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        der = key.sign(message, ec.ECDSA(_hash(hash_name)))
        r, s = utils.decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    raise KeyError_(f"cannot sign with a {key_type(key)} key here")


def _hash(name: str) -> hashes.HashAlgorithm:
    return {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[name]
