"""Compact JWS: parsing and checking the signature, with the algorithm pinned to the
key type.

Allowed: EdDSA (Ed25519), ES256 (P-256), ES384 (P-384), RS256 and PS256 (RSA of at
least 2048 bits). Refused whatever the key: ``none``, HMAC (a shared secret is no
proof of who issued), anything else, and any ``crit`` header this wallet does not
implement, as RFC 7515 requires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wallet.verify import keys as k
from wallet.verify import multibase as mb

ALG_KEY_TYPES = {"EdDSA": k.ED25519, "Ed25519": k.ED25519, "ES256": k.P256, "ES384": k.P384, "RS256": k.RSA, "PS256": k.RSA}
_HASHES = {"ES256": "sha256", "ES384": "sha384", "RS256": "sha256", "PS256": "sha256"}
MIN_RSA_BITS = 2048


class JwsError(Exception):
    def __init__(self, message: str, detail: str = "", code: str = "malformed-jwt") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.code = code


@dataclass(frozen=True)
class CompactJws:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes  # the header and payload segments exactly as received
    signature: bytes


def parse(token: str) -> CompactJws:
    """Split and decode a compact JWS whose payload is a JSON object."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwsError("This is not a signed token (JWT).", f"{len(parts)} segments, expected 3")
    try:
        header = json.loads(mb.b64url_decode(parts[0]))
        payload = json.loads(mb.b64url_decode(parts[1]))
        signature = mb.b64url_decode(parts[2])
    except (mb.EncodingError, ValueError, UnicodeDecodeError) as exc:
        raise JwsError("The signed token is damaged.", f"cannot decode: {exc}") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JwsError("The signed token is damaged.", "header and payload must be JSON objects")
    return CompactJws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def check_header(header: dict[str, Any]) -> str:
    """The algorithm, once the header is acceptable; raises JwsError otherwise."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        raise JwsError("The token is not signed (algorithm “none”).", f"alg {alg!r}", "unsigned-jwt")
    if alg.startswith("HS"):
        raise JwsError(
            "The token is sealed with a shared secret, which cannot show who issued it.", f"alg {alg}", "hmac-jwt"
        )
    if alg not in ALG_KEY_TYPES:
        raise JwsError(f"The token uses a signature algorithm this wallet does not accept ({alg}).", f"alg {alg}", "unsupported-alg")
    if "crit" in header:
        raise JwsError(
            "The token requires an extension this wallet does not implement.",
            f"crit {header['crit']!r}", "unknown-crit",
        )
    if header.get("b64") is False:
        raise JwsError("The token's payload encoding is not supported.", "b64=false outside a detached JWS")
    return alg


def verify_signature(jws: CompactJws, alg: str, key: k.PublicKey) -> None:
    wanted = ALG_KEY_TYPES[alg]
    got = k.key_type(key)
    if got != wanted:
        raise JwsError(
            f"The token's algorithm ({alg}) does not fit the issuer's key ({got}).",
            f"{alg} requires a {wanted} key", "wrong-key-type",
        )
    if got == k.RSA and key.key_size < MIN_RSA_BITS:  # type: ignore[union-attr]
        raise JwsError("The issuer's key is too weak to trust.", f"RSA {key.key_size} bits", "weak-key")  # type: ignore[union-attr]
    ok = k.verify_raw(key, jws.signature, jws.signing_input, hash_name=_HASHES.get(alg, "sha256"), pss=alg == "PS256")
    if not ok:
        raise JwsError(
            "The credential was changed after it was signed, or the signature is not genuine.",
            f"{alg} signature does not verify", "tampered",
        )
