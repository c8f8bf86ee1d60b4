"""The two canonical forms proofs sign: RDF Dataset Canonicalization (from
:mod:`wallet.verify.jsonld`, with its safe mode and bundled contexts) and JCS."""

from __future__ import annotations

from typing import Any

from wallet.verify.jcs import canonicalize as jcs
from wallet.verify.jsonld import (
    JsonLdError,
    UndefinedTerm,
    UnknownContext,
    canonize,
    canonize_with_variants,
    expand,
    superseded_choices,
)

__all__ = ["JsonLdError", "UndefinedTerm", "UnknownContext", "expand", "rdfc", "jcs", "superseded_choices"]


def rdfc(doc: dict[str, Any], hash_name: str = "sha256", choice: dict[str, int] | None = None) -> bytes:
    """Canonical N-Quads (UTF-8) of a JSON-LD document; ``choice`` fixes which bundled
    document some context URLs resolve to (see :func:`superseded_choices`)."""
    if choice:
        return canonize_with_variants(doc, choice, hash_name).encode("utf-8")
    return canonize(doc, hash_name=hash_name).encode("utf-8")
