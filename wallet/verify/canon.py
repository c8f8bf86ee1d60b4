"""The two canonical forms proofs sign: RDF Dataset Canonicalization (from
:mod:`wallet.verify.jsonld`, with its safe mode and bundled contexts) and JCS."""

from __future__ import annotations

from typing import Any

from wallet.verify.jcs import canonicalize as jcs
from wallet.verify.jsonld import JsonLdError, UndefinedTerm, UnknownContext, canonize, expand

__all__ = ["JsonLdError", "UndefinedTerm", "UnknownContext", "expand", "rdfc", "jcs"]


def rdfc(doc: dict[str, Any], hash_name: str = "sha256") -> bytes:
    """Canonical N-Quads (UTF-8) of a JSON-LD document."""
    return canonize(doc, hash_name=hash_name).encode("utf-8")
