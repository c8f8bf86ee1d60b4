"""Checking embedded proofs: Data Integrity cryptosuites and the Ed25519 2018/2020 suites.

Every proof of a proof set is checked on its own and reported; a proof that names an
earlier one (``previousProof``, a proof chain) is checked over the document with that
earlier proof attached, as VC Data Integrity says. Whether the key belongs to the
issuer or holder is decided by the caller, which knows who that should be.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from wallet.verify import canon
from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dates import human, parse_date
from wallet.verify.dids import KeyInvalid, KeyUnavailable, ResolvedKey, public_key_for
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.report import Outcome
from wallet.verify.suites import Suite, suite_for, suite_label

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProofResult:
    """What one proof of a proof set came to."""

    suite: str
    outcome: Outcome
    message: str
    detail: str = ""
    code: str = ""
    verification_method: str = ""
    key: ResolvedKey | None = None
    warnings: tuple[tuple[str, str, str], ...] = field(default=())  # (message, detail, code)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.PASSED


class ProofFailure(Exception):
    def __init__(self, outcome: Outcome, message: str, detail: str = "", code: str = "") -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.detail = detail
        self.code = code


def _fail(message: str, detail: str = "", code: str = "tampered") -> ProofFailure:
    return ProofFailure(Outcome.FAILED, message, detail, code)


# -- hashing (shared with signing)


def proof_config(proof: dict[str, Any], document: dict[str, Any], suite: Suite) -> dict[str, Any]:
    """The proof options that are signed: the proof without its signature, with the
    document's @context (after checking a proof @context is a prefix of it)."""
    config = {key: value for key, value in proof.items() if key != suite.signature_field}
    if not suite.keeps_cryptosuite:
        config.pop("cryptosuite", None)
    doc_context = document.get("@context")
    if "@context" in config:
        ours = _as_list(config["@context"])
        theirs = _as_list(doc_context)
        if theirs[: len(ours)] != ours:
            raise _fail(
                "The signature's context does not match the credential's.",
                "proof @context is not a prefix of the document @context",
            )
    if doc_context is not None:
        config["@context"] = doc_context
    elif suite.canonical == "jcs":
        config.pop("@context", None)
    return config


def hash_data(
    unsecured: dict[str, Any], config: dict[str, Any], suite: Suite, hash_name: str, memo: dict | None = None,
    *, safe_mode: bool = False,
) -> bytes:
    """hash(canonical proof config) || hash(canonical document), as every suite here signs."""
    return _joined(canonical_config(config, suite, hash_name, safe_mode=safe_mode),
                   canonical_document(unsecured, suite, hash_name, memo, safe_mode=safe_mode), hash_name)


def _joined(config_bytes: bytes, doc_bytes: bytes, hash_name: str) -> bytes:
    digest = getattr(hashlib, hash_name)
    return digest(config_bytes).digest() + digest(doc_bytes).digest()


def canonical_config(config: dict[str, Any], suite: Suite, hash_name: str, *, safe_mode: bool = False) -> bytes:
    """The canonical proof options. ``safe_mode`` also holds a JCS proof to JSON-LD safe
    mode (RDF canonicalization always is)."""
    if suite.canonical == "jcs":
        if safe_mode:
            _safe_mode(config)
        return canon.jcs(config)
    return canon.rdfc(config, hash_name)


def canonical_document(
    unsecured: dict[str, Any], suite: Suite, hash_name: str, memo: dict | None = None, *, safe_mode: bool = False
) -> bytes:
    """The canonical document, remembered in ``memo`` across the proofs of one set."""
    key = (suite.canonical, hash_name, safe_mode, id(unsecured))
    if memo is not None and key in memo:
        return memo[key]
    if suite.canonical == "jcs":
        if safe_mode:
            _safe_mode(unsecured)
        doc_bytes = canon.jcs(unsecured)
    else:
        doc_bytes = canon.rdfc(unsecured, hash_name)
    if memo is not None:
        memo[key] = doc_bytes
    return doc_bytes


def _safe_mode(doc: dict[str, Any]) -> None:
    """JSON-LD safe mode for what a JCS proof signs: the bytes are signed whatever they
    mean, but a term no context defines has no meaning a verifier can show. Unknown
    contexts are left to the contexts line (the signature does not depend on them)."""
    if "@context" not in doc:
        return
    try:
        canon.expand(doc)
    except canon.UnknownContext:
        return


# -- verification


def proofs_of(document: dict[str, Any]) -> list[Any]:
    return _as_list(document.get("proof"))


def verify_proofs(
    document: dict[str, Any],
    env: VerifyEnvironment,
    *,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    check_expiry: bool = True,
) -> list[ProofResult]:
    """One result per proof; an empty list when the document carries none.

    ``check_expiry=False`` leaves a proof's ``expires`` to the caller (presentations
    report it as a line of their own)."""
    proofs = proofs_of(document)
    base = {key: value for key, value in document.items() if key != "proof"}
    memo: dict = {}
    results = []
    for proof in proofs:
        results.append(_verify_one(proof, proofs, base, env, purpose, challenge, domain, memo, check_expiry))
    return results


def _verify_one(proof, all_proofs, base, env, purpose, challenge, domain, memo, check_expiry) -> ProofResult:
    if not isinstance(proof, dict):
        return ProofResult("?", Outcome.FAILED, "A signature on this credential is malformed.", "proof is not an object", "malformed-proof")
    label = suite_label(proof)
    vm = proof.get("verificationMethod")
    vm_id = vm.get("id", "") if isinstance(vm, dict) else str(vm or "")
    key: ResolvedKey | None = None
    try:
        suite = suite_for(proof)
        if suite is None:  # not "invalid": this wallet simply cannot tell
            raise ProofFailure(
                Outcome.UNKNOWN,
                f"The signature uses a method this wallet cannot check ({label}).",
                f"unsupported proof type {proof.get('type')!r} / cryptosuite {proof.get('cryptosuite')!r}",
                "unsupported-proof",
            )
        _check_options(proof, env, purpose, challenge, domain, check_expiry)
        try:
            key = _resolve(vm, env, purpose)
        except ProofFailure as exc:
            if exc.code == "key-offline":  # a document that is broken in itself still fails
                unsecured = _unsecured_for(proof, all_proofs, base)
                _hash_or_fail(unsecured, proof_config(proof, unsecured, suite), suite, "sha256", memo if unsecured is base else None)
            raise
        if key.key_type not in suite.key_types:
            raise _fail(
                f"The signature was made with the wrong kind of key for {label}.",
                f"{label} needs {'/'.join(sorted(suite.key_types))}, {vm_id} is {key.key_type}",
                "wrong-key-type",
            )
        unsecured = _unsecured_for(proof, all_proofs, base)
        hash_name = suite.hash_name(key.key_type)
        config = proof_config(proof, unsecured, suite)
        earlier = _verify_data(proof, suite, key, unsecured, config, hash_name, memo if unsecured is base else None)
    except ProofFailure as exc:
        return ProofResult(label, exc.outcome, exc.message, exc.detail, exc.code, vm_id, key)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:  # a proof shaped like nothing we know
        log.info("malformed proof: %r", exc)
        return ProofResult(label, Outcome.FAILED, "A signature on this credential is malformed.", repr(exc), "malformed-proof", vm_id, key)
    warnings: list[tuple[str, str, str]] = []
    if suite.legacy_of:
        warnings.append((
            f"The signature uses an early name for its method ({suite.name}); it was checked as {suite.legacy_of}.",
            f"pre-standard cryptosuite name {suite.name}",
            "legacy-cryptosuite",
        ))
    if earlier is not None:
        url, version = earlier
        warnings.append((
            f"The signature is valid with {version} ({url}), not with the document it serves now.",
            f"context {url} read as its superseded variant: {version}",
            "superseded-context",
        ))
    return ProofResult(label, Outcome.PASSED, "The signature is valid.", f"{label} by {key.id}", "", vm_id, key,
                       tuple(warnings))


def _verify_data(proof, suite: Suite, key: ResolvedKey, unsecured, config, hash_name: str, memo) -> tuple[str, str] | None:
    """Check the signature over the canonical data: None when it holds with the contexts
    as published now; (url, which version) when it holds only with a document a context
    URL served before (the OB 3.0 beta), tried only after the published one failed and
    only for URLs that have such a document, so everything else stays "tampered"."""
    try:
        _check_signature(proof, suite, key, _hash_or_fail(unsecured, config, suite, hash_name, memo), hash_name)
        return None
    except ProofFailure as failure:
        if suite.canonical != "rdfc" or failure.code not in ("tampered", "undefined-term"):
            raise
        for url, version, choice in canon.superseded_choices(unsecured):
            try:
                data = _joined(canon.rdfc(config, hash_name, choice), canon.rdfc(unsecured, hash_name, choice), hash_name)
                _check_signature(proof, suite, key, data, hash_name)
            except (ProofFailure, canon.JsonLdError):
                continue
            return url, version
        raise failure


def _check_options(proof, env, purpose, challenge, domain, check_expiry=True) -> None:
    got = proof.get("proofPurpose")
    if got != purpose:
        raise _fail(
            "The signature was made for a different purpose.",
            f"proofPurpose is {got!r}, expected {purpose!r}",
            "wrong-purpose",
        )
    if challenge is not None and proof.get("challenge") != challenge:
        raise _fail(
            "The presentation was made for a different request (challenge does not match).",
            f"challenge {proof.get('challenge')!r}, expected {challenge!r}",
            "wrong-challenge",
        )
    if domain is not None and domain not in _as_list(proof.get("domain")):
        raise _fail(
            "The presentation was made for a different receiver (domain does not match).",
            f"domain {proof.get('domain')!r}, expected {domain!r}",
            "wrong-domain",
        )
    expires = proof.get("expires")
    if expires and check_expiry:
        when = parse_date(expires)
        if when is None:
            raise _fail("The signature's expiry date cannot be read.", f"expires {expires!r}", "malformed-proof")
        if when < env.clock():
            raise _fail(
                f"The signature expired on {human(when)}.", f"proof expires {expires}", "proof-expired"
            )


def _resolve(vm: Any, env: VerifyEnvironment, purpose: str) -> ResolvedKey:
    try:
        key = public_key_for(vm, env)
    except KeyUnavailable as exc:
        message = exc.message.rstrip(".") + ", so the signature cannot be checked."
        raise ProofFailure(Outcome.UNKNOWN, message, exc.detail, "key-offline") from None
    except KeyInvalid as exc:
        raise _fail(exc.message, exc.detail, "bad-key") from None
    if not key.allows(purpose):
        raise _fail(
            "The signing key is not allowed to sign for this purpose.",
            f"{key.id} is not listed under {purpose}",
            "wrong-purpose",
        )
    return key


def _unsecured_for(proof: dict[str, Any], all_proofs: list[Any], base: dict[str, Any]) -> dict[str, Any]:
    previous = proof.get("previousProof")
    if not previous:
        return base
    wanted = _as_list(previous)
    matching = [p for p in all_proofs if isinstance(p, dict) and p.get("id") in wanted]
    if len(matching) != len(wanted):
        raise _fail("A signature refers to an earlier signature that is missing.", f"previousProof {previous!r}")
    doc = dict(base)
    doc["proof"] = matching[0] if len(matching) == 1 else matching
    return doc


def _hash_or_fail(unsecured, config, suite, hash_name, memo) -> bytes:
    config_bytes = _or_fail(lambda: canonical_config(config, suite, hash_name, safe_mode=True), in_proof=True)
    doc_bytes = _or_fail(lambda: canonical_document(unsecured, suite, hash_name, memo, safe_mode=True))
    return _joined(config_bytes, doc_bytes, hash_name)


def _or_fail(canonical, *, in_proof: bool = False) -> bytes:
    try:
        return canonical()
    except canon.UnknownContext as exc:
        raise ProofFailure(
            Outcome.UNKNOWN,
            "The credential uses a context this wallet does not know, so it cannot be checked offline.",
            f"unknown JSON-LD context {exc.url}; {exc.detail}",
            "unknown-context",
        ) from None
    except canon.UndefinedTerm as exc:
        raise _fail(undefined_term_message(exc, in_proof=in_proof), undefined_term_detail(exc), "undefined-term") from None
    except canon.JsonLdError as exc:
        subject = "The credential's proof" if in_proof else "The credential"
        raise _fail(f"{subject} {exc.message}.", exc.detail, "invalid-json-ld") from None
    except (ValueError, TypeError) as exc:  # JCS of a non-JSON value
        raise _fail("The credential cannot be put in canonical form.", str(exc), "invalid-json") from None


def undefined_term_message(exc: canon.UndefinedTerm, *, in_proof: bool = False) -> str:
    """The sentence for what safe mode refused: an undefined property or type, or a
    relative identifier where a full address is required."""
    subject = "The credential's proof" if in_proof else "The credential"
    if getattr(exc, "kind", "term") == "id":
        at = "" if in_proof or exc.path in ("", "(top level)") else f" (at {exc.path})"
        return (f"{subject} contains “{exc.term}”{at}, a relative link where a full address "
                "(an absolute identifier) is required.")
    where = "" if in_proof else _where(exc.term, exc.path or "")
    return f"{subject} contains “{exc.term}”{where}, which none of its contexts defines."


def undefined_term_detail(exc: canon.UndefinedTerm) -> str:
    return f"JSON-LD safe mode: {getattr(exc, 'kind', 'term')} {exc.term!r} at {exc.path}: {exc.detail}"


def _where(term: str, path: str) -> str:
    """ " (in credentialSubject)" for a term found below the top level."""
    parent = path[: -len(term) - 1] if path.endswith("." + term) else path
    return f" (in {parent})" if parent and parent not in (term, "(top level)") else ""


def _check_signature(proof, suite: Suite, key: ResolvedKey, data: bytes, hash_name: str) -> None:
    if suite.signature_field == "jws":
        _check_detached_jws(proof.get("jws"), key, data)
        return
    value = proof.get("proofValue")
    try:
        signature = mb.multibase_decode(value) if isinstance(value, str) else b""
    except mb.EncodingError as exc:
        raise _fail("The signature is damaged.", f"proofValue: {exc}") from None
    if not signature or not k.verify_raw(key.public_key, signature, data, hash_name=hash_name):
        raise _fail(
            "The credential was changed after it was signed, or the signature is not genuine.",
            f"{suite.name} signature does not verify with {key.id}",
        )


def _check_detached_jws(jws: Any, key: ResolvedKey, data: bytes) -> None:
    """Ed25519Signature2018: a detached JWS with unencoded payload (RFC 7797); the
    header segment is used exactly as received."""
    if not isinstance(jws, str) or jws.count(".") != 2:
        raise _fail("The signature is damaged.", "jws is not a detached compact JWS")
    header_b64, payload, sig_b64 = jws.split(".")
    try:
        header = json.loads(mb.b64url_decode(header_b64))
        signature = mb.b64url_decode(sig_b64)
    except (mb.EncodingError, ValueError) as exc:
        raise _fail("The signature is damaged.", f"jws: {exc}") from None
    if payload or not isinstance(header, dict):
        raise _fail("The signature is damaged.", "jws payload must be detached")
    if header.get("alg") != "EdDSA" or header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise _fail("The signature is damaged.", f"unexpected jws header {header!r}")
    if not k.verify_raw(key.public_key, signature, header_b64.encode("ascii") + b"." + data):
        raise _fail(
            "The credential was changed after it was signed, or the signature is not genuine.",
            f"Ed25519Signature2018 jws does not verify with {key.id}",
        )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]

