"""Verifying one credential, whatever form it came in, into a :class:`Report`.

JSON-LD credentials go through their embedded proofs, JWTs through :mod:`jwt`, OB 2.0
assertions through :mod:`ob2`. Every path ends in the same lines: signature, issuer
key, contexts, data model, dates, endorsements, and status / trust when the
environment can answer them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from wallet.credential import Credential, Envelope
from wallet.verify import checks as c
from wallet.verify import datamodel, dates, endorsements
from wallet.verify.binding import binding_check
from wallet.verify.dataintegrity import verify_proofs
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.report import Check, CheckName, Outcome, Report, overall_status
from wallet.verify.suites import suite_for

log = logging.getLogger(__name__)


def verify_credential(target: Credential | dict[str, Any] | str, env: VerifyEnvironment | None = None) -> Report:
    """Verify a credential record, a JSON-LD credential or a compact JWT, offline."""
    return _verify(target, env or VerifyEnvironment(), nested=False)


def _verify(target: Any, env: VerifyEnvironment, *, nested: bool) -> Report:
    try:
        kind, value = _normalise(target)
    except ValueError as exc:
        return unreadable(env, str(exc))
    if kind == "jwt":
        from wallet.verify import jwt

        return jwt.verify_jwt(value, env, nested=nested)
    from wallet.verify import ob2

    if ob2.is_ob2(value):
        return ob2.verify_ob2(value, env)
    return verify_linked_data(value, env, nested=nested)


def _normalise(target: Any) -> tuple[str, Any]:
    if isinstance(target, Credential):
        if target.envelope is Envelope.JWT:
            return "jwt", target.signed.strip()
        target = target.signed
    if isinstance(target, bytes):
        target = target.decode("utf-8", errors="replace")
    if isinstance(target, str):
        text = target.strip()
        if text.startswith("{"):
            try:
                target = json.loads(text)
            except ValueError as exc:
                raise ValueError(f"not JSON: {exc}") from None
        elif text.count(".") == 2:
            return "jwt", text
        else:
            raise ValueError("neither a JSON credential nor a compact JWT")
    if not isinstance(target, dict):
        raise ValueError(f"a credential is a JSON object, not {type(target).__name__}")
    return "json", target


def unreadable(env: VerifyEnvironment, detail: str) -> Report:
    check = Check(CheckName.SIGNATURE, Outcome.FAILED, "This is not a credential the wallet can read.", detail, "malformed")
    return Report(overall_status([check]), (check,), env.clock())


def verify_linked_data(doc: dict[str, Any], env: VerifyEnvironment, *, nested: bool = False) -> Report:
    """A JSON-LD credential with embedded proofs (Data Integrity, Ed25519 2018/2020)."""
    results = verify_proofs(doc, env, purpose="assertionMethod")
    issuer_id, issuer_name = c.issuer_of(doc)
    keys = [r.key for r in results if r.key is not None]
    checks: list[Check] = [c.signature_check(results)]
    binding = binding_check(keys, issuer_id, env) if keys else c.key_problem_check(results)
    if binding is not None and binding.outcome is Outcome.PASSED and not any(r.ok for r in results):
        binding = Check(CheckName.ISSUER_KEY, Outcome.PASSED, "The signature names the issuer's own key.", binding.detail)
    if binding is not None:
        checks.append(binding)
    used_rdf = any(
        isinstance(p, dict) and (s := suite_for(p)) is not None and s.canonical == "rdfc" for p in _proofs(doc)
    )
    ctx = c.contexts_check(results, used_rdf)
    if ctx is None and results:
        ctx = c.declared_contexts_check(doc)
    if ctx is not None:
        checks.append(ctx)
    checks.append(datamodel.check(doc))
    checks.append(dates.check_document_dates(doc, env.clock()))
    reports: tuple[Report, ...] = ()
    if not nested:
        line, reports = endorsements.check(doc, lambda item: _verify(item, env, nested=True), env.clock())
        if line is not None:
            checks.append(line)
    checks.extend(c.environment_checks(doc, issuer_id, env))
    return Report(
        overall_status(checks), tuple(checks), env.clock(), c.signer_for(issuer_id, issuer_name, keys), reports
    )


def _proofs(doc: dict[str, Any]) -> list[Any]:
    proof = doc.get("proof")
    return proof if isinstance(proof, list) else [proof] if proof is not None else []
