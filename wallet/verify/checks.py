"""Turning proof results and document facts into report lines (shared by every format).

The signature line says whether the proofs hold; the issuer-key line whether the key
that signed belongs to the issuer the credential names. A valid signature by somebody
else's key fails here, naming whose key it was.
"""

from __future__ import annotations

from typing import Any

from wallet.verify.dataintegrity import ProofResult
from wallet.verify.dids import ResolvedKey
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.report import Check, CheckName, Outcome, Signer

_CONTEXT_CODES = {"unknown-context", "undefined-term", "invalid-json-ld"}
_ORDER = {Outcome.FAILED: 0, Outcome.UNKNOWN: 1, Outcome.WARNING: 2, Outcome.PASSED: 3, Outcome.INFO: 4}


def worst(outcomes: list[Outcome]) -> Outcome:
    return min(outcomes, key=_ORDER.__getitem__) if outcomes else Outcome.PASSED


def issuer_of(doc: dict[str, Any]) -> tuple[str, str]:
    """The issuer's id and name as the credential gives them."""
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        name = issuer.get("name")
        if isinstance(name, dict):  # language map
            name = next(iter(name.values()), "")
        elif isinstance(name, list):
            name = next((n.get("@value", "") if isinstance(n, dict) else n for n in name), "")
        return str(issuer.get("id") or ""), str(name or "")
    return (issuer if isinstance(issuer, str) else ""), ""


def signature_check(results: list[ProofResult]) -> Check:
    if not results:
        return Check(
            CheckName.SIGNATURE, Outcome.FAILED, "This credential carries no signature.", "no proof", "no-proof"
        )
    if len(results) == 1:
        r = results[0]
        if r.ok and r.warnings:
            message, detail, code = r.warnings[0]
            return Check(CheckName.SIGNATURE, Outcome.WARNING, message, f"{r.detail}; {detail}", code)
        return Check(CheckName.SIGNATURE, r.outcome, r.message, r.detail, r.code)
    outcome = worst([r.outcome for r in results])
    lines = "; ".join(f"proof {i + 1} ({r.suite}): {r.outcome.value}: {r.detail or r.message}" for i, r in enumerate(results))
    if outcome is Outcome.PASSED:
        warned = [w for r in results for w in r.warnings]
        if warned:
            return Check(CheckName.SIGNATURE, Outcome.WARNING, warned[0][0], lines, warned[0][2])
        names = ", ".join(r.suite for r in results)
        return Check(CheckName.SIGNATURE, Outcome.PASSED, f"All {len(results)} signatures are valid ({names}).", lines)
    bad = next(r for r in results if r.outcome is outcome)
    index = results.index(bad) + 1
    return Check(
        CheckName.SIGNATURE, outcome, f"Signature {index} of {len(results)} ({bad.suite}): {bad.message}", lines, bad.code
    )


def contexts_check(results: list[ProofResult], used_rdf: bool) -> Check | None:
    for r in results:
        if r.code in _CONTEXT_CODES:
            if r.code == "unknown-context":
                return Check(
                    CheckName.CONTEXTS, Outcome.UNKNOWN,
                    "The credential uses a context this wallet does not know.", r.detail, r.code,
                )
            return Check(CheckName.CONTEXTS, Outcome.FAILED, r.message, r.detail, r.code)
    if used_rdf:
        return Check(CheckName.CONTEXTS, Outcome.PASSED, "Uses only contexts this wallet knows.", "all contexts bundled")
    return None


def declared_contexts_check(doc: dict[str, Any]) -> Check:
    """For signatures that do not depend on JSON-LD (JCS suites, JWTs): whether the
    contexts the credential names are known; an unknown one is worth a warning only."""
    from wallet.verify.contexts import known_urls

    ctx = doc.get("@context")
    urls = [c for c in (ctx if isinstance(ctx, list) else [ctx]) if isinstance(c, str)]
    unknown = [u for u in urls if u not in known_urls()]
    if unknown:
        return Check(
            CheckName.CONTEXTS, Outcome.WARNING,
            "The credential uses a context this wallet does not know (its signature does not depend on it).",
            "unknown JSON-LD context " + ", ".join(unknown), "unknown-context",
        )
    return Check(CheckName.CONTEXTS, Outcome.PASSED, "Uses only contexts this wallet knows.", "all contexts bundled")


def _lists_key(document: dict[str, Any], key: ResolvedKey) -> bool:
    wanted = {key.id, key.controller}
    for section in ("verificationMethod", "assertionMethod", "authentication", "publicKey", "alsoKnownAs"):
        value = document.get(section)
        for entry in value if isinstance(value, list) else [value]:
            ref = entry.get("id") if isinstance(entry, dict) else entry
            if isinstance(ref, str) and (ref in wanted or ref.partition("#")[0] in wanted):
                return True
    return False


def binding_check(keys: list[ResolvedKey], issuer_id: str, env: VerifyEnvironment, *, role: str = "issuer") -> Check:
    """Whether the keys that signed belong to ``issuer_id`` (the issuer, or a holder)."""
    checks = [_bind_one(key, issuer_id, env, role) for key in keys]
    outcome = worst([c.outcome for c in checks])
    return next(c for c in checks if c.outcome is outcome)


def _bind_one(key: ResolvedKey, owner: str, env: VerifyEnvironment, role: str) -> Check:
    name = CheckName.ISSUER_KEY
    if key.self_asserted:
        return Check(
            name, Outcome.WARNING,
            f"The key came with the credential itself, so nothing ties it to the {role}.",
            f"self-asserted key ({key.source}); {role} {owner or '(none)'}", "self-asserted-key",
        )
    if owner and key.controller == owner:
        return Check(name, Outcome.PASSED, f"Signed with the {role}'s own key{_saved_on(key)}.", f"{key.id} ({key.source})")
    if not owner:
        return Check(
            name, Outcome.FAILED, f"The credential does not name its {role}.", f"signed by {key.controller}", f"no-{role}"
        )
    cached = env.documents.lookup(owner) if env.documents is not None and not owner.startswith("did:key:") else None
    if cached is not None:
        if _lists_key(cached.document, key):
            return Check(
                name, Outcome.PASSED, f"Signed with a key the {role} lists as its own{_saved_on(key)}.",
                f"{key.id} is listed in the cached document of {owner}",
            )
        return _wrong_key(key, owner, role)
    if owner.startswith(("did:key:", "did:jwk:")):  # the identifier is the key: settled offline
        return _wrong_key(key, owner, role)
    if owner.startswith(("https://", "http://", "did:")):  # its document could list the key
        return Check(
            name, Outcome.UNKNOWN,
            f"Cannot check offline that the signing key belongs to the {role}.",
            f"{role} {owner}; key {key.id} controlled by {key.controller}; no cached document of {owner}",
            "issuer-binding-offline",
        )
    return Check(
        name, Outcome.WARNING,
        f"The {role} ({owner}) cannot be tied to any key; the credential was signed by {key.controller}.",
        f"{role} {owner} is not a resolvable identifier", "issuer-unbound",
    )


def _wrong_key(key: ResolvedKey, owner: str, role: str) -> Check:
    return Check(
        CheckName.ISSUER_KEY, Outcome.FAILED,
        f"Signed with a key of {key.controller}, not the {role}'s.",
        f"{role} {owner}; verification method {key.id}", "wrong-key",
    )


def key_problem_check(results: list[ProofResult]) -> Check | None:
    """The issuer-key line when no proof gave a key."""
    for r in results:
        if r.code == "key-offline":
            return Check(CheckName.ISSUER_KEY, Outcome.UNKNOWN, "The issuer key is not available offline.", r.detail, r.code)
    for r in results:
        if r.code == "bad-key":
            return Check(CheckName.ISSUER_KEY, Outcome.FAILED, r.message, r.detail, r.code)
    return None


def environment_checks(doc: dict[str, Any], issuer_id: str, env: VerifyEnvironment) -> list[Check]:
    """Status-list and issuer-registry lines, when the environment provides them."""
    out: list[Check] = []
    if env.status is not None and doc.get("credentialStatus"):
        out.extend(env.status.check(doc, issuer_id))
    if env.trust is not None and issuer_id:
        out.append(env.trust.check(issuer_id))
    return out


def signer_for(issuer_id: str, issuer_name: str, keys: list[ResolvedKey]) -> Signer | None:
    if not issuer_id and not keys:
        return None
    return Signer(issuer_id=issuer_id, issuer_name=issuer_name, key_id=keys[0].id if keys else "")


def _saved_on(key: ResolvedKey) -> str:
    """Where a key from the cache came from, and when it was saved (a did:web or https key)."""
    if key.fetched_at is None:
        return ""
    when = key.fetched_at
    return f" (from its published key document, saved on {when.day} {when:%B %Y})"
