"""Stack definitions carried by signed credentials, and whether the signature covers them.

A definition is read as JSON: the order of ``levels`` ranks them, the order of rules
names their places. A proof made over RDF canonicalization covers what JSON-LD keeps of
a document, and JSON-LD reads a plain JSON array as an unordered set: under a context
such as ``{"@vocab": ...}`` anyone can reverse ``levels`` (turning every ``minLevel``
upside down) and the signature still holds. So a signed definition is accepted only when
its proof covers its exact JSON: ``stackDefinition`` expands to a JSON literal
(``"@type": "@json"``, whose canonical form is the JSON itself), or every proof uses a
JCS cryptosuite, which signs the JSON document itself.
"""

from __future__ import annotations

from typing import Any

from wallet.errors import StackDefinitionError
from wallet.verify.suites import suite_for

_SUBJECT = "https://www.w3.org/2018/credentials#credentialSubject"


def definition_in_credential(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The definition a signed credential carries, or None when it carries none."""
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, dict):
        return None
    inner = subject.get("stackDefinition")
    if isinstance(inner, dict):
        return inner
    kinds = subject.get("type")
    if "StackDefinition" in (kinds if isinstance(kinds, list) else [kinds]):
        return {k: v for k, v in subject.items() if k != "type"} | {"type": "StackDefinition"}
    return None


def is_credential(obj: dict[str, Any]) -> bool:
    kinds = obj.get("type")
    return "VerifiableCredential" in (kinds if isinstance(kinds, list) else [kinds]) or "proof" in obj


def require_exact_coverage(doc: dict[str, Any], definition: dict[str, Any]) -> None:
    """Raise unless the credential's proofs cover ``definition`` as exact JSON."""
    proofs = doc.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    suites = [suite_for(p) if isinstance(p, dict) else None for p in proofs]
    if suites and all(s is not None and s.canonical == "jcs" for s in suites):
        return
    from wallet.verify.jsonld import JsonLdError, expand

    try:
        expanded = expand(doc)
    except JsonLdError as exc:
        raise StackDefinitionError(
            "This stack definition's credential cannot be read as linked data here, so the wallet cannot tell "
            "whether its signature covers the definition exactly; it was not added.", exc.message
        ) from exc
    if not _literal_in_subject(expanded, definition):
        names = ", ".join(s.name if s else "unknown" for s in suites)
        raise StackDefinitionError(
            "This stack definition was not added: its signature does not cover the definition's exact wording, "
            "so the order of its levels and rules could be changed without anyone noticing. Its publisher "
            "should sign it as a JSON literal.",
            f'stackDefinition is not "@type": "@json" in the credential\'s context, and the proofs ({names}) '
            "are not JCS-based; see docs/stacks.md",
        )


def _literal_in_subject(expanded: list[Any], definition: dict[str, Any]) -> bool:
    """Whether a credential subject in the expanded document holds ``definition`` as a
    JSON literal."""
    for node in expanded:
        if not isinstance(node, dict):
            continue
        for subject in node.get(_SUBJECT, []):
            if not isinstance(subject, dict):
                continue
            for key, values in subject.items():
                if key.startswith("@") or not isinstance(values, list):
                    continue
                if any(isinstance(v, dict) and v.get("@type") == "@json" and v.get("@value") == definition
                       for v in values):
                    return True
    return False
