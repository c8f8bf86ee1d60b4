"""Turning proof results and document facts into report lines (shared by every format).

The signature line says whether the proofs hold; the issuer-key line (made in
:mod:`wallet.verify.binding`) whether the key that signed belongs to the issuer the
credential names.
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
    contexts the credential names are known; an unknown one is worth a warning only
    (the signature holds, but safe mode cannot say what its terms mean)."""
    from wallet.verify.contexts import known_urls

    ctx = doc.get("@context")
    urls = [c for c in (ctx if isinstance(ctx, list) else [ctx]) if isinstance(c, str)]
    unknown = [u for u in urls if u not in known_urls()]
    if unknown:
        return Check(
            CheckName.CONTEXTS, Outcome.WARNING,
            "The credential uses a context this wallet does not know, so the meaning of its terms cannot be "
            "checked (its signature does not depend on it).",
            "unknown JSON-LD context " + ", ".join(unknown), "unknown-context",
        )
    return Check(CheckName.CONTEXTS, Outcome.PASSED, "Uses only contexts this wallet knows.", "all contexts bundled")


def linked_data_check(doc: dict[str, Any]) -> Check:
    """JSON-LD safe mode for a credential whose signature covers its bytes (a JWT): a
    term no context defines fails, named, as it does for a Data Integrity proof."""
    from wallet.verify import canon
    from wallet.verify.dataintegrity import undefined_term_detail, undefined_term_message

    try:
        canon.expand(doc)
    except canon.UnknownContext:
        return declared_contexts_check(doc)
    except canon.UndefinedTerm as exc:
        return Check(CheckName.CONTEXTS, Outcome.FAILED, undefined_term_message(exc), undefined_term_detail(exc),
                     "undefined-term")
    except canon.JsonLdError as exc:
        return Check(CheckName.CONTEXTS, Outcome.FAILED, f"The credential {exc.message}.", exc.detail, "invalid-json-ld")
    return Check(CheckName.CONTEXTS, Outcome.PASSED, "Uses only contexts this wallet knows.",
                 "all contexts bundled; JSON-LD safe mode passed")


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
    if doc.get("credentialStatus"):
        if env.status is not None:
            out.extend(env.status.check(doc, issuer_id))
        else:  # the credential can be revoked, and nothing here can say whether it was
            out.append(Check(
                CheckName.STATUS, Outcome.WARNING, "Status never checked on this computer.",
                "the credential has credentialStatus; this check had no status service", "status-not-checked",
            ))
    if env.trust is not None and issuer_id:
        out.append(env.trust.check(issuer_id))
    return out


def signer_for(issuer_id: str, issuer_name: str, keys: list[ResolvedKey]) -> Signer | None:
    if not issuer_id and not keys:
        return None
    return Signer(issuer_id=issuer_id, issuer_name=issuer_name, key_id=keys[0].id if keys else "")
