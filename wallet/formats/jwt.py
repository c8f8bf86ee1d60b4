"""Compact JWS: decoding only. Checking the signature belongs to :mod:`wallet.verify`.

Three shapes of credential travel as a compact JWS:

- VC-JWT (VC Data Model 1.1, section 6.3): the credential sits in the ``vc`` claim and
  the registered claims ``iss``, ``sub``, ``nbf``, ``exp`` and ``jti`` stand for
  ``issuer``, ``credentialSubject.id``, ``issuanceDate``, ``expirationDate`` and ``id``.
  :func:`credential_of` puts them back, as the 1.1 decoding rules say.
- VC-JOSE-COSE (``typ`` ``vc+jwt``): the whole payload is the credential.
- An OB 2.0 signed assertion: the payload is the assertion.

Presentations come the same two ways (``vp`` claim, or ``typ`` ``vp+jwt``).
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from wallet.errors import MalformedCredential
from wallet.formats.detect import MAX_TEXT_BYTES, check_size, load_json

_DAMAGED = "This JWT credential is damaged and cannot be read."


@dataclass(frozen=True)
class CompactJws:
    """The decoded parts of a compact JWS; ``token`` is the exact text that was signed."""

    token: str
    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes

    @property
    def signing_input(self) -> bytes:
        return self.token.rsplit(".", 1)[0].encode("ascii")

    @property
    def typ(self) -> str:
        return str(self.header.get("typ", "")).lower()


def b64url_decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedCredential(_DAMAGED, f"bad base64url: {exc}") from exc


def decode(token: str) -> CompactJws:
    """Split and decode a compact JWS; the header and payload must be JSON objects."""
    token = token.strip()
    check_size(token.encode("utf-8", "replace"), MAX_TEXT_BYTES, what="This JWT")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedCredential(_DAMAGED, f"a compact JWS has 3 parts, this has {len(parts)}")
    header = _json_part(parts[0], "header")
    payload = _json_part(parts[1], "payload")
    return CompactJws(token=token, header=header, payload=payload, signature=b64url_decode(parts[2]))


def _json_part(part: str, name: str) -> dict[str, Any]:
    value = load_json(b64url_decode(part), what="This JWT credential")
    if not isinstance(value, dict):
        raise MalformedCredential(_DAMAGED, f"the JWS {name} is not a JSON object")
    return value


def is_presentation(jws: CompactJws) -> bool:
    return jws.typ == "vp+jwt" or isinstance(jws.payload.get("vp"), dict) or _has_type(
        jws.payload, "VerifiablePresentation"
    )


def _has_type(doc: dict[str, Any], name: str) -> bool:
    types = doc.get("type")
    return types == name or (isinstance(types, list) and name in types)


def credential_of(jws: CompactJws) -> dict[str, Any]:
    """The credential (or assertion, or presentation) a JWS carries, as a JSON object."""
    payload = jws.payload
    if isinstance(payload.get("vc"), dict):
        return _merge_vc_claims(payload)
    if isinstance(payload.get("vp"), dict):
        return _merge_vp_claims(payload)
    return payload  # vc+jwt / vp+jwt, or an OB 2.0 signed assertion


def _merge_vc_claims(payload: dict[str, Any]) -> dict[str, Any]:
    vc: dict[str, Any] = copy.deepcopy(payload["vc"])
    if isinstance(payload.get("jti"), str):
        vc["id"] = payload["jti"]
    iss = payload.get("iss")
    if isinstance(iss, str):
        if isinstance(vc.get("issuer"), dict):
            vc["issuer"]["id"] = iss
        else:
            vc["issuer"] = iss
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        when = epoch_to_iso(payload.get(claim))
        if when:
            vc[prop] = when
    sub = payload.get("sub")
    subject = vc.get("credentialSubject")
    if isinstance(sub, str) and isinstance(subject, dict):
        subject["id"] = sub
    return vc


def _merge_vp_claims(payload: dict[str, Any]) -> dict[str, Any]:
    vp: dict[str, Any] = copy.deepcopy(payload["vp"])
    if isinstance(payload.get("jti"), str):
        vp["id"] = payload["jti"]
    if isinstance(payload.get("iss"), str):
        vp["holder"] = payload["iss"]
    return vp


def epoch_to_iso(value: Any) -> str:
    """A NumericDate claim as an XML Schema dateTime in UTC; "" when not a usable number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    try:
        when = datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return ""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
