"""Data-model checks: the shape of a credential as the VC and Open Badges 3.0 / CLR 2.0
specifications define it, beyond what the signature covers.

A correctly signed credential can still be malformed: an unknown type in a place the
OB 3.0 model types (1EdTech's validator fails those), no issuer, no VC context. Each
problem is named by where it sits in the document.
"""

from __future__ import annotations

from typing import Any

from wallet.verify.report import Check, CheckName, Outcome

VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
CLR2_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/clr/v2p0/context"

# (path from the credential, expected type); "[]" walks each element of a list
_OB3_TYPED = (
    ("issuer", "Profile"),
    ("issuer.parentOrg", "Profile"),
    ("issuer.otherIdentifier[]", "IdentifierEntry"),
    ("credentialSubject.identifier[]", "IdentityObject"),
    ("credentialSubject.result[]", "Result"),
    ("credentialSubject.source", "Profile"),
    ("credentialSubject.achievement", "Achievement"),
    ("credentialSubject.achievement.creator", "Profile"),
    ("credentialSubject.achievement.resultDescription[]", "ResultDescription"),
    ("credentialSubject.achievement.alignment[]", "Alignment"),
    ("credentialSubject.achievement.otherIdentifier[]", "IdentifierEntry"),
    ("credentialSubject.achievement.related[]", "Related"),
    ("credentialSubject.result[].alignment[]", "Alignment"),
    ("evidence[]", "Evidence"),
)


def _types(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    t = node.get("type", node.get("@type"))
    if isinstance(t, str):
        return [t]
    return [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def _walk(node: Any, path: str) -> list[tuple[str, Any]]:
    """The (concrete path, value) pairs a dotted path with ``[]`` reaches."""
    found = [("", node)]
    for part in path.split("."):
        many = part.endswith("[]")
        name = part[:-2] if many else part
        step = []
        for where, value in found:
            if not isinstance(value, dict) or name not in value:
                continue
            child = value[name]
            prefix = f"{where}.{name}" if where else name
            if many and isinstance(child, list):
                step.extend((f"{prefix}[{i}]", item) for i, item in enumerate(child))
            elif many:
                step.append((prefix, child))
            else:
                step.append((prefix, child))
        found = step
    return found


def _contexts(doc: dict[str, Any]) -> list[str]:
    ctx = doc.get("@context")
    items = ctx if isinstance(ctx, list) else [ctx]
    return [c for c in items if isinstance(c, str)]


def problems(doc: dict[str, Any]) -> list[str]:
    """Every data-model problem found, each a short technical phrase."""
    found: list[str] = []
    contexts = _contexts(doc)
    if not contexts or contexts[0] not in VC_CONTEXTS:
        found.append("the first @context is not the W3C Verifiable Credentials context")
    types = _types(doc)
    if "VerifiableCredential" not in types:
        found.append("type does not include VerifiableCredential")
    issuer = doc.get("issuer")
    if not issuer or (isinstance(issuer, dict) and not issuer.get("id")):
        found.append("issuer is missing")
    if "credentialSubject" not in doc:
        found.append("credentialSubject is missing")
    if any(c.startswith(OB3_CONTEXT_PREFIX) for c in contexts) and "ClrCredential" not in types:
        found.extend(_ob3_problems(doc, types))
    if "ClrCredential" in types:
        subject = doc.get("credentialSubject")
        if isinstance(subject, dict) and "ClrSubject" not in _types(subject):
            found.append("credentialSubject.type is not ClrSubject")
    return found


def _ob3_problems(doc: dict[str, Any], types: list[str]) -> list[str]:
    found = []
    subject = doc.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if "EndorsementCredential" in types:
        wanted_subject = "EndorsementSubject"
    else:
        wanted_subject = "AchievementSubject"
        if not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
            found.append("type does not include OpenBadgeCredential or AchievementCredential")
    for i, s in enumerate(subjects):
        if isinstance(s, dict) and wanted_subject not in _types(s):
            found.append(f"credentialSubject{'' if len(subjects) == 1 else f'[{i}]'}.type is not {wanted_subject}")
    for path, wanted in _OB3_TYPED:
        for where, value in _walk(doc, path):
            if isinstance(value, dict) and wanted not in _types(value):
                got = ", ".join(_types(value)) or "none"
                found.append(f"{where}.type is {got}, expected {wanted}")
    return found


def check(doc: dict[str, Any]) -> Check:
    found = problems(doc)
    if not found:
        return Check(CheckName.DATA_MODEL, Outcome.PASSED, "The credential is well formed.", "data model checks passed")
    first = found[0]
    return Check(
        CheckName.DATA_MODEL,
        Outcome.FAILED,
        "The credential is not well formed: " + first + ".",
        "; ".join(found),
        "data-model",
    )
