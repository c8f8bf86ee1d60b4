"""What a presentation or a CLR carries: the credentials inside, as text to parse again.

A Verifiable Presentation holds credentials in ``verifiableCredential``; a CLR 2.0
ClrCredential holds them in ``credentialSubject.verifiableCredential``. Each item is
a JSON object (an embedded credential), a string (a compact JWS: a VC-JWT), or a VC 2.0
``EnvelopedVerifiableCredential`` whose ``id`` is a ``data:`` URL with the JWS.

Each item becomes an :class:`Item`: the exact text to store (an object serialised
compactly, or the JWS as given) and how it is enveloped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from wallet.credential import Envelope
from wallet.errors import MalformedCredential
from wallet.formats.detect import looks_like_jws, unwrap_jws
from wallet.formats.summary import first_object, types_of

_ENVELOPED_PREFIXES = ("data:application/vc+jwt,", "data:application/vc+sd-jwt,", "data:application/jwt,")


@dataclass(frozen=True)
class Item:
    """One embedded credential: the text to keep verbatim, and its envelope."""

    text: str
    envelope: Envelope


def compact(obj: dict[str, Any]) -> str:
    """An embedded credential's JSON text: compact, key order and characters as given.

    Text with half a surrogate pair (legal as a JSON escape, not as UTF-8) keeps its
    escapes instead.
    """
    out = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError:
        out = json.dumps(obj, separators=(",", ":"))
    return out


def entries_of(value: Any) -> list[Any]:
    """The entries of a ``verifiableCredential`` value (one item or a list), unread."""
    return value if isinstance(value, list) else ([] if value is None else [value])


def item_of(entry: Any) -> Item | None:
    """The credential text of one entry; None for a bare reference (a URL) held elsewhere."""
    if isinstance(entry, str):
        if looks_like_jws(entry):
            return Item(unwrap_jws(entry), Envelope.JWT)
        return None
    if not isinstance(entry, dict):
        return None
    if "EnvelopedVerifiableCredential" in types_of(entry):
        return Item(_enveloped_jws(entry), Envelope.JWT)
    return Item(compact(entry), Envelope.JSON)


def _enveloped_jws(entry: dict[str, Any]) -> str:
    data_url = str(entry.get("id", ""))
    for prefix in _ENVELOPED_PREFIXES:
        if data_url.startswith(prefix):
            token = unquote(data_url[len(prefix):])
            if looks_like_jws(token):
                return unwrap_jws(token)
    raise MalformedCredential(
        "It is wrapped in a form the wallet cannot read (expected a JWT in a data: URL).",
        f"EnvelopedVerifiableCredential id is not a data: URL with a JWS: {data_url[:60]!r}",
    )


def presentation_entries(vp: dict[str, Any]) -> list[Any]:
    return entries_of(vp.get("verifiableCredential"))


def clr_entries(clr: dict[str, Any]) -> list[Any]:
    return entries_of(first_object(clr.get("credentialSubject")).get("verifiableCredential"))
