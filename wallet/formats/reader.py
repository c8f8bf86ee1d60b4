"""From bytes to credential records: sniff, unwrap, classify, summarise.

One file can hold several credentials: a presentation holds some (the presentation
itself is not kept), and a CLR 2.0 transcript is kept as itself *and* each credential
inside it is kept too, linked to it by ``parent_id``.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from typing import Any

from wallet.credential import Credential, CredentialId, Envelope, Format, Summary, content_id
from wallet.errors import InputError, MalformedCredential, UnsupportedFormat
from wallet.formats import baked, jwt, ob2
from wallet.formats.detect import Kind, load_json, looks_like_jws, sniff, text_of, unwrap_jws
from wallet.formats.jsonld import NOT_A_CREDENTIAL, Shape, format_of, shape_of
from wallet.formats.presentation import clr_entries, item_of, presentation_entries
from wallet.formats.summary import vc_summary

log = logging.getLogger(__name__)

_MAX_NESTING = 3  # presentation > CLR > credential; deeper is not a real file
MAX_PICTURE_URI_BYTES = 1024 * 1024  # a baked picture up to this size is the summary's image


def parse(data: bytes, *, name: str = "", source: str = "") -> list[Credential]:
    """Every credential in ``data``, the top-level one first.

    ``raw`` is ``data`` verbatim for the top-level credential; for a credential inside
    a presentation or a CLR it is that credential's own text (see
    :mod:`wallet.formats.presentation`). Raises an :class:`~wallet.errors.InputError`
    with a plain sentence when ``data`` holds no credential we can take.
    """
    try:
        kind = sniff(data)
        if kind is Kind.PNG:
            return _from_text(baked.png_text(data), data, Envelope.PNG, source, baked_in=True)
        if kind is Kind.SVG:
            return _from_text(baked.svg_text(data), data, Envelope.SVG, source, baked_in=True)
        envelope = Envelope.JSON if kind is Kind.JSON else Envelope.JWT
        return _from_text(text_of(data), data, envelope, source)
    except InputError as exc:
        if name and name not in exc.detail:
            exc.detail = f"{name}: {exc.detail}" if exc.detail else name
        raise


def document_of(envelope: Envelope, signed: str) -> dict[str, Any]:
    """The credential as a JSON object: parsed JSON text, or what a JWT carries."""
    text = signed.strip()
    if text.startswith("{"):
        doc = load_json(text, what="This credential")
    else:
        doc = jwt.credential_of(jwt.decode(unwrap_jws(text)))
    if not isinstance(doc, dict):
        raise UnsupportedFormat(NOT_A_CREDENTIAL, f"{envelope}: not a JSON object")
    return doc


def _from_text(text: str, raw: bytes, envelope: Envelope, source: str, *, baked_in: bool = False,
               depth: int = 0, parent: CredentialId | None = None) -> list[Credential]:
    stripped = text.strip()
    if stripped.startswith("{"):
        signed = text if envelope is Envelope.JSON else stripped
        doc = load_json(stripped)
    elif looks_like_jws(stripped):
        signed = unwrap_jws(stripped)
        doc = jwt.credential_of(jwt.decode(signed))
    else:
        raise _not_readable(stripped, baked_in)
    if not isinstance(doc, dict):
        raise UnsupportedFormat(NOT_A_CREDENTIAL, "the JSON value is not an object")
    if shape_of(doc) is Shape.PRESENTATION:
        return _from_items(presentation_entries(doc), source, depth, parent, "presentation")
    fmt = format_of(doc)
    summary = summarise(doc, fmt)
    if baked_in:
        summary = replace(summary, image=_picture_uri(raw, envelope) or summary.image)
    cred = Credential(
        id=content_id(raw), raw=raw, envelope=envelope, format=fmt, signed=signed,
        summary=summary, parent_id=parent, source=source,
    )
    if fmt is Format.CLR2:
        return [cred, *_from_items(clr_entries(doc), source, depth, cred.id, "learner record")]
    return [cred]


def _from_items(entries: list[Any], source: str, depth: int, parent: CredentialId | None,
                what: str) -> list[Credential]:
    if depth >= _MAX_NESTING:
        raise MalformedCredential(
            "This file nests credentials inside each other too deeply.", f"nesting depth {depth}"
        )
    found: list[Credential] = []
    for index, entry in enumerate(entries):
        try:
            item = item_of(entry)
            if item is None:
                continue
            found.extend(_from_text(item.text, item.text.encode("utf-8"), item.envelope, source,
                                    depth=depth + 1, parent=parent))
        except InputError as exc:
            raise type(exc)(
                f"Credential {index + 1} inside this {what} could not be read: {exc.message}",
                exc.detail,
            ) from exc
    if not found and parent is None:
        raise UnsupportedFormat(f"This {what} holds no credentials.", "no embedded credential in verifiableCredential")
    return found


def _not_readable(text: str, baked_in: bool) -> InputError:
    if baked_in and text.startswith(("http://", "https://")):
        return UnsupportedFormat(
            "This badge holds only a link to its details online, so it cannot be added offline. "
            "Ask the issuer for the badge file itself.",
            f"hosted assertion URL: {text[:200]}",
        )
    if baked_in:
        return MalformedCredential("The badge baked into this picture is damaged.", f"starts with {text[:40]!r}")
    return UnsupportedFormat("This text is not a credential the wallet recognises.", f"starts with {text[:40]!r}")


def _picture_uri(raw: bytes, envelope: Envelope) -> str:
    """A baked badge's own picture as a data: URI: shown offline, unlike an image URL."""
    if len(raw) > MAX_PICTURE_URI_BYTES:
        return ""
    mime = "image/png" if envelope is Envelope.PNG else "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def summarise(doc: dict[str, Any], fmt: Format) -> Summary:
    if fmt is Format.OB2:
        return ob2.assertion_summary(doc)
    return vc_summary(doc, fmt)
