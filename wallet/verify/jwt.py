"""JWT credentials: VC 1.1 JWTs (a ``vc`` claim) and VC-JOSE-COSE ``vc+jwt``.

For VC 1.1 the registered claims stand for credential properties (iss = issuer, sub =
credentialSubject.id, jti = id, nbf = issuanceDate, exp = expirationDate); when both
are present they must agree, otherwise the claims could say one thing and the shown
credential another. A JWK in the header is self-asserted: it proves only that whoever
made the token held that key, and the report says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wallet.verify import checks as c
from wallet.verify import datamodel, dates, endorsements
from wallet.verify import keys as k
from wallet.verify.dids import KeyInvalid, KeyUnavailable, ResolvedKey, key_from_method, public_key_for
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.jws import CompactJws, JwsError, check_header, parse, verify_signature
from wallet.verify.report import Check, CheckName, Outcome, Report, overall_status


def credential_of(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential a JWT carries (VC 1.1 ``vc`` claim, else the payload itself)."""
    vc = payload.get("vc")
    return vc if isinstance(vc, dict) else payload


def verify_jwt(token: str, env: VerifyEnvironment, *, nested: bool = False) -> Report:
    now = env.clock()
    try:
        jws = parse(token)
    except JwsError as exc:
        return _failed(exc, now)
    from wallet.verify import ob2

    if ob2.is_ob2(jws.payload):
        return ob2.verify_signed(jws, env)
    credential = credential_of(jws.payload)
    if credential is not jws.payload:
        credential = _with_claims(credential, jws.payload)
    issuer_id, issuer_name = c.issuer_of(credential)
    issuer_id = issuer_id or str(jws.payload.get("iss") or "")
    checks: list[Check] = []
    key: ResolvedKey | None = None
    try:
        alg = check_header(jws.header)
        key = key_for(jws, issuer_id, env)
        verify_signature(jws, alg, key.public_key)
        checks.append(Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid.", f"JWS {alg} by {key.id}"))
    except KeyUnavailable as exc:
        checks.append(Check(
            CheckName.SIGNATURE, Outcome.UNKNOWN, exc.message.rstrip(".") + ", so the signature cannot be checked.",
            exc.detail, "key-offline",
        ))
        checks.append(Check(CheckName.ISSUER_KEY, Outcome.UNKNOWN, exc.message, exc.detail, "key-offline"))
    except KeyInvalid as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, "bad-key"))
    except JwsError as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, exc.code))
    if key is not None:
        checks.append(c.binding_check([key], issuer_id, env))
    if "@context" in credential:
        checks.append(c.declared_contexts_check(credential))
    claims = _claims_check(jws.payload, credential)
    checks.append(claims if claims.outcome is Outcome.FAILED else datamodel.check(credential))
    checks.append(_dates_check(jws.payload, credential, now))
    reports: tuple[Report, ...] = ()
    if not nested:
        from wallet.verify.credential import _verify

        line, reports = endorsements.check(credential, lambda item: _verify(item, env, nested=True))
        if line is not None:
            checks.append(line)
    checks.extend(c.environment_checks(credential, issuer_id, env))
    return Report(overall_status(checks), tuple(checks), now, c.signer_for(issuer_id, issuer_name, [key] if key else []), reports)


def _with_claims(vc: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """VC 1.1 JWT decoding: properties the ``vc`` claim leaves out are taken from the
    registered claims (iss, jti, sub, nbf, exp)."""
    merged = dict(vc)
    if "issuer" not in merged and isinstance(payload.get("iss"), str):
        merged["issuer"] = payload["iss"]
    if "id" not in merged and isinstance(payload.get("jti"), str):
        merged["id"] = payload["jti"]
    subject = merged.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(payload.get("sub"), str):
        merged["credentialSubject"] = dict(subject, id=payload["sub"])
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        when = dates.from_epoch(payload.get(claim))
        if prop not in merged and when is not None and "validFrom" not in merged:
            merged[prop] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return merged


def _failed(exc: JwsError, now: datetime) -> Report:
    check = Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, exc.code)
    return Report(overall_status([check]), (check,), now)


def key_for(jws: CompactJws, issuer_id: str, env: VerifyEnvironment) -> ResolvedKey:
    """The key named by ``kid`` (absolute, or relative to the issuer), else the issuer's
    DID, else a header JWK (self-asserted)."""
    kid = jws.header.get("kid")
    iss = jws.payload.get("iss") or issuer_id
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and isinstance(iss, str):
            kid = iss + kid
        if ":" in kid:
            return public_key_for(kid, env)
        if isinstance(iss, str) and iss.startswith("did:"):
            return public_key_for(f"{iss}#{kid}", env)
    jwk = jws.header.get("jwk")
    if isinstance(jwk, dict):
        if "d" in jwk:
            raise KeyInvalid("The token exposes a private key.", "header jwk carries 'd'")
        try:
            key = k.jwk_to_key(jwk)
        except k.KeyError_ as exc:
            raise KeyInvalid("The key in the token cannot be read.", str(exc)) from None
        return ResolvedKey(id="jwk in header", controller="", public_key=key, source="jwk in header", self_asserted=True)
    if isinstance(iss, str) and iss.startswith(("did:key:", "did:jwk:")):
        return public_key_for(iss, env)
    if isinstance(iss, str) and iss.startswith(("did:web:", "https://", "http://")):
        return _key_from_profile(iss, env)
    raise KeyInvalid("The token does not say which key signed it.", "no kid, jwk or resolvable iss")


def _key_from_profile(iss: str, env: VerifyEnvironment) -> ResolvedKey:
    """An issuer document from the cache that carries exactly one usable key."""
    cached = env.documents.lookup(iss) if env.documents is not None else None
    if cached is None:
        raise KeyUnavailable("The issuer key is not available offline.", f"no cached document for {iss}")
    doc = cached.document
    candidates = [doc] + [m for m in _as_list(doc.get("verificationMethod")) + _as_list(doc.get("publicKey")) if isinstance(m, dict)]
    for method in candidates:
        try:
            key = key_from_method(method)
        except (k.KeyError_, ValueError):
            continue
        return ResolvedKey(id=method.get("id", iss), controller=iss, public_key=key, source="issuer document (cached)")
    raise KeyInvalid("The issuer's document holds no usable key.", f"{iss}: no key found")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _claims_check(payload: dict[str, Any], credential: dict[str, Any]) -> Check:
    """VC 1.1: registered claims bound to credential properties; vc+jwt: iss/sub too."""
    issuer_id, _ = c.issuer_of(credential)
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    pairs = [("iss", issuer_id), ("sub", subject_id), ("jti", credential.get("id"))]
    mismatches = [
        f"{claim} {payload[claim]!r} vs {value!r}"
        for claim, value in pairs
        if claim in payload and value and payload[claim] != value
    ]
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        if claim in payload and prop in credential:
            when, stated = dates.from_epoch(payload[claim]), dates.parse_date(credential[prop])
            if when is None or stated is None or abs((when - stated).total_seconds()) >= 1:
                mismatches.append(f"{claim} {payload[claim]!r} vs {prop} {credential[prop]!r}")
    if mismatches:
        return Check(
            CheckName.DATA_MODEL, Outcome.FAILED,
            "The token's claims do not match the credential inside it.", "; ".join(mismatches), "jwt-claims-mismatch",
        )
    return Check(CheckName.DATA_MODEL, Outcome.PASSED, "The token's claims match the credential.", "iss/sub/jti/nbf/exp consistent")


def _dates_check(payload: dict[str, Any], credential: dict[str, Any], now: datetime) -> Check:
    raw_start, raw_end = dates.window_of(credential)
    start, end = dates.parse_date(raw_start), dates.parse_date(raw_end)
    bad = [repr(v) for v, p in ((raw_start, start), (raw_end, end)) if v is not None and p is None]
    for claim in ("nbf", "exp"):
        if claim in payload:
            when = dates.from_epoch(payload[claim])
            if when is None:
                bad.append(f"{claim} {payload[claim]!r}")
            elif claim == "nbf":
                start = max(start, when) if start else when
            else:
                end = min(end, when) if end else when
    return dates.check_window(start, end, now, bad=bad)
